/*
 * test_mime.c - the worker's MIME messages (worker/mime.c, GMime 3):
 * UTF-8 subjects and display names as RFC 2047 encoded words, CRLF line
 * endings, no line over 998 octets, multipart structure and part order,
 * attachments, Bcc never in the headers, X-SCC-Outbox-Id.
 *
 * Each message is read back with GMime's own parser, so the test checks
 * what a mail client would see, not our own idea of the bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mime.h"

static const char *to1[] = { "Zoë Ångström <zoe@example.com>", "crew@example.org" };

/* Every line ends with CRLF, none is longer than 998 octets (without CRLF),
 * there is no bare CR or LF, and the bytes are 7-bit (encodings did their job). */
static void assert_wire_format(const scc_buf *b)
{
    size_t line = 0;
    assert_true(b->len > 2);
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];
        if (c == '\r') {
            assert_true(i + 1 < b->len);
            assert_int_equal(b->data[i + 1], '\n');
            assert_true(line <= 998);
            line = 0;
            i++;
            continue;
        }
        assert_int_not_equal(c, '\n');   /* a bare LF */
        assert_true(c < 0x80);
        line++;
    }
    assert_int_equal(line, 0);           /* ends with CRLF */
}

static GMimeMessage *parse(const scc_buf *b)
{
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(b->data, b->len);
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
    g_object_unref(p);
    g_object_unref(s);
    assert_non_null(m);
    return m;
}

static char *part_text(GMimeObject *o)
{
    assert_true(GMIME_IS_TEXT_PART(o));
    return g_mime_text_part_get_text(GMIME_TEXT_PART(o));
}

/* The raw header block (up to the first empty line). */
static char *headers_of(const scc_buf *b)
{
    const char *end = strstr(b->data, "\r\n\r\n");
    assert_non_null(end);
    return strndup(b->data, (size_t)(end - b->data) + 2);
}

static void test_alternative_utf8(void **state)
{
    (void)state;
    /* A long line of text and HTML without spaces: QP must fold it. */
    char *longline = malloc(5001);
    memset(longline, 'x', 5000);
    longline[5000] = '\0';
    char *text, *html;
    assert_true(asprintf(&text, "Hej Zoë!\nLine two \xe2\x9a\x93 anchor\n%s\n", longline) > 0);
    assert_true(asprintf(&html, "<p>Hej Zo&euml;! \xe2\x9a\x93</p><p>%s</p>", longline) > 0);
    const char *subject = "Ankerplatz \xe2\x9a\x93 für Zoë – Überfahrt morgen früh um 06:30, "
                          "bitte pünktlich sein, das Boot wartet nicht länger als fünf Minuten";
    scc_mime_message m = {
        .from = "Käpt'n SCC <noreply@scc.example>", .to = to1, .n_to = 2,
        .subject = subject, .text = text, .html = html, .outbox_id = 4242,
        .date = 1767225600, /* 2026-01-01 00:00 UTC */
    };
    scc_buf b;
    scc_buf_init(&b);
    char err[256];
    assert_int_equal(scc_mime_build(&m, &b, err, sizeof(err)), 0);
    assert_wire_format(&b);

    char *h = headers_of(&b);
    /* The subject travels as encoded words in UTF-8, never as raw 8-bit. */
    assert_non_null(strstr(h, "Subject: Ankerplatz =?UTF-8?"));
    assert_non_null(strstr(h, "\r\n "));            /* folded, not one long line */
    assert_non_null(strstr(h, "X-SCC-Outbox-Id: 4242\r\n"));
    assert_non_null(strstr(h, "Message-Id: <"));
    assert_non_null(strstr(h, "@scc.example>"));
    assert_non_null(strstr(h, "Date: Thu, 01 Jan 2026 00:00:00 +0000"));
    assert_non_null(strstr(h, "MIME-Version: 1.0"));
    assert_null(strstr(h, "Bcc:"));
    free(h);

    GMimeMessage *pm = parse(&b);
    assert_string_equal(g_mime_message_get_subject(pm), subject);
    InternetAddressList *from = g_mime_message_get_from(pm);
    assert_int_equal(internet_address_list_length(from), 1);
    assert_string_equal(internet_address_get_name(internet_address_list_get_address(from, 0)),
                        "Käpt'n SCC");
    InternetAddressList *to = g_mime_message_get_to(pm);
    assert_int_equal(internet_address_list_length(to), 2);
    assert_string_equal(internet_address_get_name(internet_address_list_get_address(to, 0)),
                        "Zoë Ångström");
    assert_string_equal(internet_address_mailbox_get_addr(
        INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(to, 1))), "crew@example.org");

    /* multipart/alternative: text/plain first, text/html last. */
    GMimeObject *body = g_mime_message_get_mime_part(pm);
    assert_true(GMIME_IS_MULTIPART(body));
    GMimeContentType *ct = g_mime_object_get_content_type(body);
    assert_true(g_mime_content_type_is_type(ct, "multipart", "alternative"));
    GMimeMultipart *mp = GMIME_MULTIPART(body);
    assert_int_equal(g_mime_multipart_get_count(mp), 2);
    GMimeObject *p0 = g_mime_multipart_get_part(mp, 0), *p1 = g_mime_multipart_get_part(mp, 1);
    assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(p0), "text", "plain"));
    assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(p1), "text", "html"));
    assert_int_equal(g_mime_part_get_content_encoding(GMIME_PART(p0)),
                     GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    assert_string_equal(g_mime_object_get_content_type_parameter(p0, "charset"), "utf-8");

    /* The bodies decode back to what went in (CRLF on the wire, LF here). */
    char *t0 = part_text(p0), *t1 = part_text(p1);
    GString *want = g_string_new(text);
    for (char *a; (a = strstr(t0, "\r\n")) != NULL;)
        memmove(a, a + 1, strlen(a));
    assert_string_equal(t0, want->str);
    assert_string_equal(t1, html);
    g_string_free(want, TRUE);
    g_free(t0);
    g_free(t1);
    g_object_unref(pm);
    scc_buf_free(&b);
    free(text);
    free(html);
    free(longline);
}

static void test_mixed_with_attachments(void **state)
{
    (void)state;
    const char csv[] = "entity,revenue_cents\nJADA,120000\n\"Queen of San Diego\",99000\n";
    unsigned char bin[300];
    for (size_t i = 0; i < sizeof(bin); i++)
        bin[i] = (unsigned char)(i * 7);
    scc_mime_attachment att[2] = {
        { "ceo-2026-01.csv", "text/csv; charset=utf-8", csv, sizeof(csv) - 1 },
        { "blob.bin", NULL, (const char *)bin, sizeof(bin) },
    };
    scc_mime_message m = {
        .from = "noreply@scc.example", .to = to1, .n_to = 1,
        .subject = "CEO report", .text = "See the attachment.", .html = "<p>See the attachment.</p>",
        .attachments = att, .n_attachments = 2,
    };
    scc_buf b;
    scc_buf_init(&b);
    char err[256];
    assert_int_equal(scc_mime_build(&m, &b, err, sizeof(err)), 0);
    assert_wire_format(&b);
    char *h = headers_of(&b);
    assert_non_null(strstr(h, "Subject: CEO report\r\n"));   /* ASCII stays plain */
    assert_null(strstr(h, "X-SCC-Outbox-Id"));               /* no outbox id given */
    free(h);

    GMimeMessage *pm = parse(&b);
    GMimeObject *body = g_mime_message_get_mime_part(pm);
    assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(body), "multipart", "mixed"));
    GMimeMultipart *mixed = GMIME_MULTIPART(body);
    assert_int_equal(g_mime_multipart_get_count(mixed), 3);
    GMimeObject *alt = g_mime_multipart_get_part(mixed, 0);
    assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(alt), "multipart", "alternative"));
    assert_int_equal(g_mime_multipart_get_count(GMIME_MULTIPART(alt)), 2);

    for (int i = 0; i < 2; i++) {
        GMimeObject *a = g_mime_multipart_get_part(mixed, 1 + i);
        assert_true(GMIME_IS_PART(a));
        assert_string_equal(g_mime_part_get_filename(GMIME_PART(a)), att[i].filename);
        assert_int_equal(g_mime_part_get_content_encoding(GMIME_PART(a)), GMIME_CONTENT_ENCODING_BASE64);
        GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(a));
        GMimeStream *out = g_mime_stream_mem_new();
        g_mime_data_wrapper_write_to_stream(w, out);
        GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
        assert_int_equal(ba->len, att[i].len);
        assert_memory_equal(ba->data, att[i].data, att[i].len);
        g_object_unref(out);
    }
    GMimeObject *a0 = g_mime_multipart_get_part(mixed, 1);
    assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(a0), "text", "csv"));
    assert_string_equal(g_mime_object_get_content_type_parameter(a0, "charset"), "utf-8");
    GMimeObject *a1 = g_mime_multipart_get_part(mixed, 2);
    assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(a1), "application", "octet-stream"));
    g_object_unref(pm);
    scc_buf_free(&b);
}

static void test_text_only_and_errors(void **state)
{
    (void)state;
    scc_buf b;
    scc_buf_init(&b);
    char err[256];
    /* Latin-1-only text stays UTF-8 (and says so). */
    scc_mime_message m = { .from = "a@b.example", .to = to1, .n_to = 1, .subject = "Zoë",
                           .text = "Hello Zoë, Émile\n" };
    assert_int_equal(scc_mime_build(&m, &b, err, sizeof(err)), 0);
    assert_wire_format(&b);
    assert_non_null(strstr(b.data, "Hello Zo=C3=AB, =C3=89mile"));
    GMimeMessage *pm = parse(&b);
    GMimeObject *only = g_mime_message_get_mime_part(pm);
    assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(only), "text", "plain"));
    assert_string_equal(g_mime_object_get_content_type_parameter(only, "charset"), "utf-8");
    char *got = part_text(only);
    assert_string_equal(got, "Hello Zoë, Émile\r\n");
    g_free(got);
    assert_string_equal(g_mime_message_get_subject(pm), "Zoë");
    g_object_unref(pm);

    scc_buf_reset(&b);
    m.from = "not an address";
    assert_int_equal(scc_mime_build(&m, &b, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "sender"));
    m.from = "a@b.example";
    m.subject = "two\r\nBcc: injected@example.com";
    assert_int_equal(scc_mime_build(&m, &b, err, sizeof(err)), -1);
    m.subject = "ok";
    const char *bad_to[] = { "x@y.example\r\nBcc: evil@example.com" };
    m.to = bad_to;
    assert_int_equal(scc_mime_build(&m, &b, err, sizeof(err)), -1);
    m.n_to = 0;
    assert_int_equal(scc_mime_build(&m, &b, err, sizeof(err)), -1);
    scc_buf_free(&b);

    char addr[64];
    assert_int_equal(scc_mime_addr_spec("Zoë <zoe@example.com>", addr, sizeof(addr)), 0);
    assert_string_equal(addr, "zoe@example.com");
    assert_int_equal(scc_mime_addr_spec("a@b.example, c@d.example", addr, sizeof(addr)), -1);
    assert_int_equal(scc_mime_addr_spec("nobody", addr, sizeof(addr)), -1);
}

int main(void)
{
    scc_mime_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alternative_utf8),
        cmocka_unit_test(test_mixed_with_attachments),
        cmocka_unit_test(test_text_only_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
