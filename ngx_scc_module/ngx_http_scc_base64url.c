
/*
 * SCC: strict base64url without padding.
 *
 * nginx's ngx_decode_base64url() lives in ngx_string.o and is lenient
 * (it ignores the unused bits of the last character), so this file has
 * its own: a token has exactly one accepted spelling, and a tampered
 * last character can never decode to the same bytes.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_http_scc_base64url.h"


#define NGX_HTTP_SCC_B64_BAD  0x80


static u_char  ngx_http_scc_base64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


/* value of each character, NGX_HTTP_SCC_B64_BAD outside the alphabet */

static u_char  ngx_http_scc_base64url_values[256] = {
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,    /*  !"#$%&' */
    0x80, 0x80, 0x80, 0x80, 0x80,   62, 0x80, 0x80,    /* ()*+,-./ */
      52,   53,   54,   55,   56,   57,   58,   59,    /* 01234567 */
      60,   61, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,    /* 89:;<=>? */
    0x80,    0,    1,    2,    3,    4,    5,    6,    /* @ABCDEFG */
       7,    8,    9,   10,   11,   12,   13,   14,    /* HIJKLMNO */
      15,   16,   17,   18,   19,   20,   21,   22,    /* PQRSTUVW */
      23,   24,   25, 0x80, 0x80, 0x80, 0x80,   63,    /* XYZ[\]^_ */
    0x80,   26,   27,   28,   29,   30,   31,   32,    /* `abcdefg */
      33,   34,   35,   36,   37,   38,   39,   40,    /* hijklmno */
      41,   42,   43,   44,   45,   46,   47,   48,    /* pqrstuvw */
      49,   50,   51, 0x80, 0x80, 0x80, 0x80, 0x80,    /* xyz{|}~  */

    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80
};


void
ngx_http_scc_base64url_encode(ngx_str_t *dst, ngx_str_t *src)
{
    u_char  *d, *s, *basis;
    size_t   len;

    len = src->len;
    s = src->data;
    d = dst->data;
    basis = ngx_http_scc_base64url_alphabet;

    while (len > 2) {
        *d++ = basis[(s[0] >> 2) & 0x3f];
        *d++ = basis[((s[0] & 3) << 4) | (s[1] >> 4)];
        *d++ = basis[((s[1] & 0x0f) << 2) | (s[2] >> 6)];
        *d++ = basis[s[2] & 0x3f];

        s += 3;
        len -= 3;
    }

    if (len) {
        *d++ = basis[(s[0] >> 2) & 0x3f];

        if (len == 1) {
            *d++ = basis[(s[0] & 3) << 4];

        } else {
            *d++ = basis[((s[0] & 3) << 4) | (s[1] >> 4)];
            *d++ = basis[(s[1] & 0x0f) << 2];
        }
    }

    dst->len = d - dst->data;
}


ngx_int_t
ngx_http_scc_base64url_decode(ngx_str_t *dst, ngx_str_t *src)
{
    size_t     len;
    u_char    *d, *s, *table;
    uint32_t   a, b, c, e, bad;

    len = src->len;
    s = src->data;
    d = dst->data;
    table = ngx_http_scc_base64url_values;

    /* one character carries 6 bits: it cannot end a byte string */

    if (len % 4 == 1) {
        return NGX_ERROR;
    }

    /*
     * Bad characters are collected in one flag and refused at the end:
     * no branch per character, and the same time for every token.
     */

    bad = 0;

    while (len > 3) {
        a = table[s[0]];
        b = table[s[1]];
        c = table[s[2]];
        e = table[s[3]];

        bad |= a | b | c | e;
        a = a << 18 | b << 12 | c << 6 | e;

        d[0] = (u_char) (a >> 16);
        d[1] = (u_char) (a >> 8);
        d[2] = (u_char) a;

        d += 3;
        s += 4;
        len -= 4;
    }

    if (len) {
        a = table[s[0]];
        b = table[s[1]];
        c = (len == 3) ? table[s[2]] : 0;

        bad |= a | b | c;

        *d++ = (u_char) (a << 2 | b >> 4);

        if (len == 2) {

            /* "AB" and "AA" must not both decode to 0x00 */

            bad |= (b & 0x0f) ? NGX_HTTP_SCC_B64_BAD : 0;

        } else {
            *d++ = (u_char) (b << 4 | c >> 2);
            bad |= (c & 0x03) ? NGX_HTTP_SCC_B64_BAD : 0;
        }
    }

    if (bad & NGX_HTTP_SCC_B64_BAD) {
        return NGX_ERROR;
    }

    dst->len = d - dst->data;

    return NGX_OK;
}
