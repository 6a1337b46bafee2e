/*
 * mime.c — email messages built with GMime 3 (see mime.h).
 *
 * This file must never send anything, touch the database or read files.
 * GMime does the hard parts (encoded words, header folding, transfer
 * encodings); this file only assembles the tree and writes it with CRLF.
 */
#include "mime.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

static pthread_once_t mime_once = PTHREAD_ONCE_INIT;

static void mime_init_once(void)
{
    g_mime_init();
}

void scc_mime_init(void)
{
    pthread_once(&mime_once, mime_init_once);
}

/* Parse exactly one mailbox ("Name <a@b>" or "a@b"); NULL otherwise. */
static InternetAddressList *parse_one(const char *s)
{
    if (s == NULL || *s == '\0' || strpbrk(s, "\r\n") != NULL)
        return NULL;
    InternetAddressList *l = internet_address_list_parse(NULL, s);
    if (l == NULL)
        return NULL;
    if (internet_address_list_length(l) != 1 ||
        !INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(l, 0))) {
        g_object_unref(l);
        return NULL;
    }
    InternetAddressMailbox *mb =
        INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(l, 0));
    /* Encoded words in UTF-8 (GMime would pick the smallest charset). */
    internet_address_set_charset(INTERNET_ADDRESS(mb), "utf-8");
    const char *addr = internet_address_mailbox_get_addr(mb);
    const char *at = addr ? strchr(addr, '@') : NULL;
    if (at == NULL || at == addr || at[1] == '\0') {
        g_object_unref(l);
        return NULL;
    }
    return l;
}

int scc_mime_addr_spec(const char *mailbox, char *buf, size_t len)
{
    scc_mime_init();
    InternetAddressList *l = parse_one(mailbox);
    if (l == NULL)
        return -1;
    InternetAddressMailbox *mb =
        INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(l, 0));
    const char *addr = internet_address_mailbox_get_addr(mb);
    int n = snprintf(buf, len, "%s", addr);
    g_object_unref(l);
    return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

/* A text part in UTF-8, quoted-printable: readable when mostly ASCII, and
 * QP keeps every line under 78 octets whatever the template produced. */
static GMimeObject *text_part(const char *subtype, const char *body)
{
    /* Not g_mime_text_part_set_text: it converts to the smallest charset
     * (iso-8859-1 for "Zoë"); we keep the UTF-8 bytes and say so. */
    GMimeTextPart *tp = g_mime_text_part_new_with_subtype(subtype);
    g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp), "charset", "utf-8");
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(body, strlen(body));
    GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
    g_mime_part_set_content(GMIME_PART(tp), w);
    g_object_unref(w);
    g_object_unref(s);
    g_mime_part_set_content_encoding(GMIME_PART(tp), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    return GMIME_OBJECT(tp);
}

static GMimeObject *attachment_part(const scc_mime_attachment *a)
{
    const char *ct = a->content_type ? a->content_type : "application/octet-stream";
    GMimeContentType *type = g_mime_content_type_parse(NULL, ct);
    GMimePart *p = g_mime_part_new_with_type(g_mime_content_type_get_media_type(type),
                                             g_mime_content_type_get_media_subtype(type));
    /* Keep parameters such as charset. */
    GMimeParamList *params = g_mime_content_type_get_parameters(type);
    for (int i = 0; params && i < g_mime_param_list_length(params); i++) {
        GMimeParam *pm = g_mime_param_list_get_parameter_at(params, i);
        g_mime_object_set_content_type_parameter(GMIME_OBJECT(p), g_mime_param_get_name(pm),
                                                 g_mime_param_get_value(pm));
    }
    g_object_unref(type);

    GMimeStream *s = g_mime_stream_mem_new_with_buffer(a->data, a->len);
    GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
    g_mime_part_set_content(p, w);
    g_object_unref(w);
    g_object_unref(s);
    g_mime_part_set_filename(p, a->filename ? a->filename : "attachment");
    g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_BASE64);
    return GMIME_OBJECT(p);
}

int scc_mime_build(const scc_mime_message *m, scc_buf *out, char *err, size_t errlen)
{
    scc_mime_init();

    if (m->text == NULL) {
        snprintf(err, errlen, "a message needs a text body");
        return -1;
    }
    if (m->n_to == 0) {
        snprintf(err, errlen, "a message needs at least one recipient");
        return -1;
    }
    if (m->subject != NULL && strpbrk(m->subject, "\r\n") != NULL) {
        snprintf(err, errlen, "the subject must be one line");
        return -1;
    }
    InternetAddressList *from = parse_one(m->from);
    if (from == NULL) {
        snprintf(err, errlen, "bad sender address \"%s\"", m->from ? m->from : "");
        return -1;
    }

    int rc = -1;
    GMimeMessage *msg = g_mime_message_new(TRUE);
    internet_address_list_append(g_mime_message_get_from(msg), from);

    /* Message-ID on the sender's domain. */
    const char *sender_addr = internet_address_mailbox_get_addr(
        INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(from, 0)));
    const char *domain = strchr(sender_addr, '@') + 1;
    g_object_unref(from);

    InternetAddressList *to = g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO);
    for (size_t i = 0; i < m->n_to; i++) {
        InternetAddressList *one = parse_one(m->to[i]);
        if (one == NULL) {
            snprintf(err, errlen, "bad recipient address \"%s\"", m->to[i] ? m->to[i] : "");
            goto done;
        }
        internet_address_list_append(to, one);
        g_object_unref(one);
    }

    g_mime_message_set_subject(msg, m->subject ? m->subject : "", "utf-8");

    GDateTime *dt = g_date_time_new_from_unix_utc(m->date ? (gint64)m->date : (gint64)time(NULL));
    g_mime_message_set_date(msg, dt);
    g_date_time_unref(dt);

    if (m->message_id != NULL) {
        g_mime_message_set_message_id(msg, m->message_id);
    } else {
        char *id = g_mime_utils_generate_message_id(domain);
        g_mime_message_set_message_id(msg, id);
        g_free(id);
    }
    if (m->outbox_id > 0) {
        char v[32];
        snprintf(v, sizeof(v), "%lld", (long long)m->outbox_id);
        g_mime_object_set_header(GMIME_OBJECT(msg), "X-SCC-Outbox-Id", v, NULL);
    }

    /* Body: text first, HTML last (clients show the last part they can). */
    GMimeObject *body;
    if (m->html != NULL) {
        GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
        GMimeObject *t = text_part("plain", m->text);
        GMimeObject *h = text_part("html", m->html);
        g_mime_multipart_add(alt, t);
        g_mime_multipart_add(alt, h);
        g_object_unref(t);
        g_object_unref(h);
        body = GMIME_OBJECT(alt);
    } else {
        body = text_part("plain", m->text);
    }
    if (m->n_attachments > 0) {
        GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
        g_mime_multipart_add(mixed, body);
        g_object_unref(body);
        for (size_t i = 0; i < m->n_attachments; i++) {
            GMimeObject *a = attachment_part(&m->attachments[i]);
            g_mime_multipart_add(mixed, a);
            g_object_unref(a);
        }
        body = GMIME_OBJECT(mixed);
    }
    g_mime_message_set_mime_part(msg, body);
    g_object_unref(body);

    GMimeFormatOptions *fo = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
    GMimeStream *ms = g_mime_stream_mem_new();
    if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), fo, ms) < 0) {
        snprintf(err, errlen, "could not write the message");
    } else {
        GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
        if (scc_buf_append(out, (const char *)ba->data, ba->len) != 0)
            snprintf(err, errlen, "out of memory");
        else
            rc = 0;
    }
    g_object_unref(ms);
    g_mime_format_options_free(fo);
done:
    g_object_unref(msg);
    return rc;
}
