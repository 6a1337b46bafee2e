/*
 * credential.h — secrets (keys, passwords, magic-link codes) in memory: read
 * from a file, wiped when freed.
 *
 * This file must never log or copy a secret into a message.
 */
#ifndef SCC_CREDENTIAL_H
#define SCC_CREDENTIAL_H

#include <stddef.h>

/* Read a secret from a file: the first line, without the newline.  Returns
 * a malloc'd string, or NULL with err (the secret itself is never put in err). */
char *scc_read_secret_file(const char *path, const char *what, char *err, size_t errlen);

/* Wipe and free a string that held a secret (a key, a password, a magic-link
 * code); NULL is fine.  explicit_bzero, because a plain memset before free()
 * is a dead store the compiler may drop. */
void scc_secret_free(char *s);

#endif
