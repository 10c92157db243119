/* SPDX-License-Identifier: GPL-2.0-only */
/* A strict JSON (RFC 8259) recognizer for the tests of `swmmuctl -j` output. */
#ifndef JSON_CHECK_H
#define JSON_CHECK_H

#include <stddef.h>

/*
 * 0 if @s (@len bytes) is exactly one JSON value, optionally surrounded by whitespace, and that
 * value is an object; -1 otherwise, with *@at (if not NULL) the offset where it went wrong.
 */
int json_check_object(const char *s, size_t len, size_t *at);

#endif /* JSON_CHECK_H */
