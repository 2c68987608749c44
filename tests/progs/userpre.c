/* SPDX-License-Identifier: MIT */
/*
 * userpre.c - a harmless library the user preloads; preloadexec's child
 * looks its marker up to see that it is loaded there too.
 */
int userpre_marker = 1;
