/*
 * Unit tests of the strict base64url codec (ngx_http_scc_base64url.c).
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_http_scc_base64url.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>


static ngx_int_t
decode(const char *in, u_char *out, size_t *len)
{
    ngx_int_t  rc;
    ngx_str_t  src, dst;

    src.data = (u_char *) in;
    src.len = strlen(in);
    dst.data = out;
    dst.len = 0;

    rc = ngx_http_scc_base64url_decode(&dst, &src);
    *len = dst.len;

    return rc;
}


/* RFC 4648 section 10, without the padding */

static void
test_rfc4648_vectors(void **state)
{
    static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba",
                                   "foobar" };
    static const char *coded[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg",
                                   "Zm9vYmE", "Zm9vYmFy" };
    size_t      i, len;
    u_char      out[16];
    ngx_str_t   src, dst;

    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        src.data = (u_char *) plain[i];
        src.len = strlen(plain[i]);
        dst.data = out;

        ngx_http_scc_base64url_encode(&dst, &src);
        assert_int_equal(dst.len, strlen(coded[i]));
        assert_int_equal(dst.len,
                         ngx_http_scc_base64url_encoded_length(src.len));
        assert_memory_equal(out, coded[i], dst.len);

        assert_int_equal(decode(coded[i], out, &len), NGX_OK);
        assert_int_equal(len, strlen(plain[i]));
        assert_memory_equal(out, plain[i], len);
    }
}


/* the url alphabet: "-" and "_" where base64 has "+" and "/" */

static void
test_url_alphabet(void **state)
{
    size_t      len;
    u_char      out[8];
    u_char      in[3] = { 0xfb, 0xff, 0xbf };
    u_char      enc[8];
    ngx_str_t   src, dst;

    src.data = in;
    src.len = 3;
    dst.data = enc;
    ngx_http_scc_base64url_encode(&dst, &src);
    assert_int_equal(dst.len, 4);
    assert_memory_equal(enc, "-_-_", 4);

    assert_int_equal(decode("-_-_", out, &len), NGX_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(out, in, 3);

    assert_int_equal(decode("+/+/", out, &len), NGX_ERROR);
}


/* every byte outside the 64 characters, at every position of a quantum */

static void
test_every_invalid_byte(void **state)
{
    int      c, pos;
    size_t   len;
    u_char   out[8];
    char     in[5];

    for (c = 0; c < 256; c++) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9') || c == '-' || c == '_')
        {
            in[0] = (char) c;
            in[1] = 'A';
            in[2] = 'A';
            in[3] = 'A';
            in[4] = '\0';
            assert_int_equal(decode(in, out, &len), NGX_OK);
            continue;
        }

        if (c == 0) {
            continue;       /* strlen() below; NUL is covered by the next */
        }

        for (pos = 0; pos < 4; pos++) {
            memcpy(in, "AAAA", 5);
            in[pos] = (char) c;
            assert_int_equal(decode(in, out, &len), NGX_ERROR);

            /* and in a short last quantum */
            memcpy(in, "AAA", 4);
            if (pos < 3) {
                in[pos] = (char) c;
                assert_int_equal(decode(in, out, &len), NGX_ERROR);
            }
        }
    }

    /* a NUL byte inside */
    {
        ngx_str_t  src, dst;
        u_char     nul[4] = { 'A', 0, 'A', 'A' };

        src.data = nul;
        src.len = 4;
        dst.data = out;
        assert_int_equal(ngx_http_scc_base64url_decode(&dst, &src),
                         NGX_ERROR);
    }
}


static void
test_padding_and_whitespace(void **state)
{
    size_t  len;
    u_char  out[16];

    assert_int_equal(decode("Zg==", out, &len), NGX_ERROR);
    assert_int_equal(decode("Zm8=", out, &len), NGX_ERROR);
    assert_int_equal(decode("Zg=", out, &len), NGX_ERROR);
    assert_int_equal(decode("Zm9v ", out, &len), NGX_ERROR);
    assert_int_equal(decode(" Zm9v", out, &len), NGX_ERROR);
    assert_int_equal(decode("Zm\n9v", out, &len), NGX_ERROR);
    assert_int_equal(decode("Zm9v\r\n", out, &len), NGX_ERROR);
    assert_int_equal(decode("Zm9\tv", out, &len), NGX_ERROR);
}


static void
test_lengths(void **state)
{
    size_t  len;
    u_char  out[16];

    /* one character is 6 bits: never a whole byte */
    assert_int_equal(decode("A", out, &len), NGX_ERROR);
    assert_int_equal(decode("AAAAA", out, &len), NGX_ERROR);
    assert_int_equal(decode("Zm9vYmFyA", out, &len), NGX_ERROR);

    assert_int_equal(decode("", out, &len), NGX_OK);
    assert_int_equal(len, 0);
    assert_int_equal(decode("AA", out, &len), NGX_OK);
    assert_int_equal(len, 1);
    assert_int_equal(decode("AAA", out, &len), NGX_OK);
    assert_int_equal(len, 2);
}


/* the unused low bits of the last character must be zero */

static void
test_non_canonical(void **state)
{
    size_t  len;
    u_char  out[16];

    /* "Zg" is "f": "Zh" .. "Zv" carry the same 8 bits and junk */
    assert_int_equal(decode("Zg", out, &len), NGX_OK);
    assert_int_equal(decode("Zh", out, &len), NGX_ERROR);
    assert_int_equal(decode("Zv", out, &len), NGX_ERROR);
    assert_int_equal(decode("AB", out, &len), NGX_ERROR);
    assert_int_equal(decode("A_", out, &len), NGX_ERROR);
    assert_int_equal(decode("AQ", out, &len), NGX_OK);

    /* "Zm8" is "fo": 2 unused bits */
    assert_int_equal(decode("Zm8", out, &len), NGX_OK);
    assert_int_equal(decode("Zm9", out, &len), NGX_ERROR);
    assert_int_equal(decode("Zm-", out, &len), NGX_ERROR);
    assert_int_equal(decode("AAB", out, &len), NGX_ERROR);
    assert_int_equal(decode("AAE", out, &len), NGX_OK);
}


/* every length 0..96, every byte value: decode(encode(x)) == x */

static void
test_round_trip(void **state)
{
    size_t     n, i, len;
    u_char     in[96], enc[140], out[100];
    ngx_str_t  src, dst;

    for (n = 0; n <= sizeof(in); n++) {
        for (i = 0; i < n; i++) {
            in[i] = (u_char) (i * 37 + n * 11 + 255);
        }

        src.data = in;
        src.len = n;
        dst.data = enc;
        ngx_http_scc_base64url_encode(&dst, &src);
        assert_int_equal(dst.len, ngx_http_scc_base64url_encoded_length(n));
        assert_int_not_equal(dst.len % 4, 1);

        src = dst;
        dst.data = out;
        assert_int_equal(ngx_http_scc_base64url_decode(&dst, &src), NGX_OK);
        len = dst.len;
        assert_int_equal(len, n);
        assert_true(len <= ngx_http_scc_base64url_decoded_length(src.len));
        assert_memory_equal(out, in, n);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_url_alphabet),
        cmocka_unit_test(test_every_invalid_byte),
        cmocka_unit_test(test_padding_and_whitespace),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_non_canonical),
        cmocka_unit_test(test_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
