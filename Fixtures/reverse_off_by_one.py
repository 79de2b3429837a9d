# expect: reverse=wrong_answer
# range stops before 0, so the first character is lost.
def reverse_string(s):
    out = []
    for i in range(len(s) - 1, 0, -1):
        out.append(s[i])
    return "".join(out)
