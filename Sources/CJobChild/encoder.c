// Plain data out of a hostile process. Exact type checks only (a list
// subclass is not a list), no method calls: iteration goes through the
// concrete C APIs of builtin types, whose slots the candidate cannot patch.
// Iterative, so neither a deep nor a cyclic value can exhaust the C stack
// (a cycle simply runs into the size limit).
#include "CJobChild.h"
#include "CPygradeSupport.h"
#include <stdlib.h>
#include <string.h>

void pg_buf_free(pg_buf *buf) {
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

static int reserve(pg_buf *b, size_t n) {
    if (b->flushed + b->len + n > b->limit) return PG_ENC_TOO_LARGE;
    if (b->sink && b->len + n > 65536) {
        pg_hash128_update(b->sink, b->data, b->len);
        b->flushed += b->len;
        b->len = 0;
    }
    if (b->len + n <= b->cap) return PG_ENC_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    if (cap > b->limit) cap = b->limit;
    uint8_t *d = realloc(b->data, cap);
    if (!d) return PG_ENC_NOMEM;
    b->data = d;
    b->cap = cap;
    return PG_ENC_OK;
}

static int put(pg_buf *b, const void *p, size_t n) {
    int rc = reserve(b, n);
    if (rc == PG_ENC_TOO_LARGE && b->partial && !b->sink && b->len < b->limit) {
        // A preview: the part that fits, then the same refusal.
        size_t room = b->limit - b->len;
        if (reserve(b, room) == PG_ENC_OK) {
            memcpy(b->data + b->len, p, room);
            b->len += room;
        }
        return PG_ENC_TOO_LARGE;
    }
    if (rc) return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return PG_ENC_OK;
}

static int put_head(pg_buf *b, uint8_t tag, uint64_t v) {
    uint8_t tmp[11];
    size_t n = 0;
    tmp[n++] = tag;
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        tmp[n++] = byte | (v ? 0x80 : 0);
    } while (v);
    return put(b, tmp, n);
}

static int put_blob(pg_buf *b, uint8_t tag, const char *p, Py_ssize_t n) {
    int rc = put_head(b, tag, (uint64_t)n);
    return rc ? rc : put(b, p, (size_t)n);
}

typedef struct {
    PyObject **items;
    size_t len, cap;
} stack;

static int push(stack *s, PyObject *o) {
    if (s->len == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        PyObject **n = realloc(s->items, cap * sizeof *n);
        if (!n) return PG_ENC_NOMEM;
        s->items = n;
        s->cap = cap;
    }
    s->items[s->len++] = o;
    return PG_ENC_OK;
}

static int encode_scalar_or_push(PyObject *o, pg_buf *b, stack *s, char *why, size_t whylen) {
    int rc;
    if (o == Py_None) return put(b, "N", 1);
    if (o == Py_True) return put(b, "T", 1);
    if (o == Py_False) return put(b, "F", 1);
    if (PyLong_CheckExact(o)) {
#if PY_VERSION_HEX < 0x030C0000
        // Up to 3.11 an int of one 30-bit digit is ob_size in {-1, 0, 1} and
        // ob_digit[0]: read it directly, the common case by far (a million
        // leaves is a million of these).
        Py_ssize_t size = Py_SIZE(o);
        if (size >= -1 && size <= 1) {
            long long v = size * (long long)((PyLongObject *)o)->ob_digit[0];
            return put_head(b, PGV_INT, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
        }
#endif
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (!overflow) {
            if (v == -1 && PyErr_Occurred()) { PyErr_Clear(); return PG_ENC_NOMEM; }
            return put_head(b, PGV_INT, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
        }
        // Base 16 is not subject to the int/str digit limit.
        PyObject *hex = PyNumber_ToBase(o, 16);
        if (!hex) { PyErr_Clear(); return PG_ENC_NOMEM; }
        Py_ssize_t n;
        const char *p = PyUnicode_AsUTF8AndSize(hex, &n);
        rc = p ? put_blob(b, PGV_BIGINT, p, n) : PG_ENC_NOMEM;
        Py_DECREF(hex);
        return rc;
    }
    if (PyFloat_CheckExact(o)) {
        double d = PyFloat_AS_DOUBLE(o);
        uint64_t bits;
        memcpy(&bits, &d, 8);
        uint8_t tmp[9];
        tmp[0] = PGV_FLOAT;
        for (int i = 0; i < 8; i++) tmp[1 + i] = (uint8_t)(bits >> (8 * i));
        return put(b, tmp, 9);
    }
    if (PyUnicode_CheckExact(o)) {
        Py_ssize_t n;
        const char *p = PyUnicode_AsUTF8AndSize(o, &n);
        if (p) return put_blob(b, PGV_STR, p, n);
        PyErr_Clear();
        // Lone surrogates: keep them, so that equality stays code-point equality.
        PyObject *raw = PyUnicode_AsEncodedString(o, "utf-8", "surrogatepass");
        if (!raw) { PyErr_Clear(); return PG_ENC_NOMEM; }
        rc = put_blob(b, PGV_STR, PyBytes_AS_STRING(raw), PyBytes_GET_SIZE(raw));
        Py_DECREF(raw);
        return rc;
    }
    if (PyBytes_CheckExact(o)) return put_blob(b, PGV_BYTES, PyBytes_AS_STRING(o), PyBytes_GET_SIZE(o));
    if (PyList_CheckExact(o) || PyTuple_CheckExact(o)) {
        int is_list = PyList_CheckExact(o);
        Py_ssize_t n = is_list ? PyList_GET_SIZE(o) : PyTuple_GET_SIZE(o);
        if ((rc = put_head(b, is_list ? PGV_LIST : PGV_TUPLE, (uint64_t)n))) return rc;
        for (Py_ssize_t i = n - 1; i >= 0; i--)
            if ((rc = push(s, is_list ? PyList_GET_ITEM(o, i) : PyTuple_GET_ITEM(o, i)))) return rc;
        return PG_ENC_OK;
    }
    if (PyDict_CheckExact(o)) {
        Py_ssize_t n = PyDict_GET_SIZE(o);
        if ((rc = put_head(b, PGV_DICT, (uint64_t)n))) return rc;
        // Pushed in reverse so that key 0, value 0, key 1... come off in order.
        size_t base = s->len;
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (PyDict_Next(o, &pos, &k, &v)) {
            if ((rc = push(s, v)) || (rc = push(s, k))) return rc;
        }
        // An empty dict pushed nothing: with an empty stack, `s->len - 1`
        // would wrap around.
        if (s->len == base) return PG_ENC_OK;
        for (size_t i = base, j = s->len - 1; i < j; i++, j--) {
            PyObject *t = s->items[i]; s->items[i] = s->items[j]; s->items[j] = t;
        }
        // The reversal also swapped each (value, key) pair into (key, value)
        // order from the top: restore value-below-key within each pair.
        for (size_t i = base; i + 1 < s->len; i += 2) {
            PyObject *t = s->items[i]; s->items[i] = s->items[i + 1]; s->items[i + 1] = t;
        }
        return PG_ENC_OK;
    }
    if (PySet_CheckExact(o) || PyFrozenSet_CheckExact(o)) {
        Py_ssize_t n = PySet_GET_SIZE(o);
        if ((rc = put_head(b, PySet_CheckExact(o) ? PGV_SET : PGV_FROZENSET, (uint64_t)n))) return rc;
        // Reversed on the stack, so that they come off in the set's own
        // iteration order (the order Python's repr shows them in).
        size_t base = s->len;
        Py_ssize_t pos = 0;
        PyObject *k;
        Py_hash_t h;
        while (_PySet_NextEntry(o, &pos, &k, &h))
            if ((rc = push(s, k))) return rc;
        for (size_t i = base, j = s->len ? s->len - 1 : 0; i < j; i++, j--) {
            PyObject *t = s->items[i]; s->items[i] = s->items[j]; s->items[j] = t;
        }
        return PG_ENC_OK;
    }
    snprintf(why, whylen, "%s", Py_TYPE(o)->tp_name);
    return PG_ENC_NOT_PLAIN;
}

int pg_encode(PyObject *obj, pg_buf *buf, char *why, size_t whylen) {
    stack s = {0};
    int rc = push(&s, obj);
    while (!rc && s.len) {
        PyObject *o = s.items[--s.len];
        rc = encode_scalar_or_push(o, buf, &s, why, whylen);
    }
    free(s.items);
    return rc;
}

int pg_args_preview(PyObject *args, PyObject *kwargs, size_t limit, pg_buf *out) {
    memset(out, 0, sizeof *out);
    out->limit = limit;
    out->partial = 1;
    char why[128];
    PyObject *both = PyTuple_Pack(2, args, kwargs ? kwargs : Py_None);
    if (!both) {
        PyErr_Clear();
        return PG_ENC_NOMEM;
    }
    int rc = pg_encode(both, out, why, sizeof why);
    Py_DECREF(both);
    return rc;
}

/* Digest of (args, kwargs) as the value stream encodes them; all zeros when
   they no longer encode (the candidate put a foreign object inside). */
int pg_args_digest(PyObject *args, PyObject *kwargs, size_t limit, uint8_t out[16]) {
    pg_hash128_ctx hash;
    pg_hash128_init(&hash);
    pg_buf buf = {0};
    buf.limit = limit;
    buf.sink = &hash;
    char why[128];
    PyObject *both = PyTuple_Pack(2, args, kwargs ? kwargs : Py_None);
    int rc = both ? pg_encode(both, &buf, why, sizeof why) : PG_ENC_NOMEM;
    if (rc == PG_ENC_OK) {
        pg_hash128_update(&hash, buf.data, buf.len);
        pg_hash128_final(&hash, out);
    } else {
        memset(out, 0, 16);
    }
    Py_XDECREF(both);
    pg_buf_free(&buf);
    PyErr_Clear();
    return rc;
}
