# expect: flatten=output_limit_exceeded
def flatten_list(nested):
    while True:
        print("spam" * 1000)
