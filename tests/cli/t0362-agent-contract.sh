#!/bin/sh
# SPDX-License-Identifier: MIT
# The agent's contract with the program it runs in, read from its shared
# object: it exports exactly what src/agent/exports.map names (each name
# or pattern there matches an export, each export matches one), and it
# imports only the functions below: system calls and their thin wrappers,
# the loader's, string functions, and what libgcc's unwinder (linked in)
# needs (and the names other compilers' defaults give the same: stack
# protector, _FORTIFY_SOURCE, C23's strtol).  No stdio (its buffers and locks), no setenv/putenv (they
# allocate and lock), no allocation.  A new import fails this test until
# it is added here, deliberately.
. "$top_srcdir/tests/lib.sh"
agent="$top_builddir/src/.libs/libheapprof-agent.so"
map="$top_srcdir/src/agent/exports.map"
command -v nm >/dev/null || skip "no nm"
[ -e "$agent" ] || fail "no agent at $agent"

allowed='
__cxa_finalize __gmon_start__ _ITM_deregisterTMCloneTable
_ITM_registerTMCloneTable
__environ environ __errno_location getenv _exit abort
__register_atfork __pthread_key_create pthread_once
pthread_mutex_lock pthread_mutex_unlock _dl_find_object
dladdr dlsym dl_iterate_phdr
clock_gettime getpid getppid geteuid sched_yield syscall sysconf kill
open close read write pread readlink fcntl fstat ftruncate memfd_create
mmap munmap mprotect process_vm_readv
socket connect send recvmsg getsockopt
memcmp memcpy memmove memset strcmp strlen strncmp strnlen strrchr
strtol strtoul __isoc23_strtol __isoc23_strtoul
__stack_chk_fail __memcpy_chk __memmove_chk __memset_chk __read_chk
__pread_chk __readlink_chk
'
forbidden='printf fprintf vfprintf dprintf puts fputs fputc fwrite stdout
stderr fopen fdopen setenv putenv unsetenv clearenv malloc calloc realloc
reallocarray free strdup strndup posix_memalign aligned_alloc memalign'

nm -D --defined-only "$agent" | awk '{ print $3 }' | sort >exports ||
    fail "nm $agent"
nm -D --undefined-only "$agent" | awk '{ sub(/@.*/, "", $2); print $2 }' |
    sort >imports || fail "nm $agent"
# The names and patterns between "global:" and "local:".
sed -e 's|/\*.*\*/||' -e '1,/global:/d' -e '/local:/,$d' "$map" |
    tr ';' '\n' | tr -d ' \t' | grep -v '^$' >patterns

sort -o patterns patterns
# Every export and pattern that match, as the version script's patterns
# (shell patterns) do.
while read -r sym; do
	while read -r pat; do
		# shellcheck disable=SC2254
		case $sym in $pat) echo "$sym $pat" ;; esac
	done <patterns
done <exports >pairs
expect_eq "every export is in exports.map" "" \
    "$(cut -d' ' -f1 pairs | sort -u | comm -23 exports - | tr '\n' ' ')"
expect_eq "every name in exports.map is exported" "" \
    "$(cut -d' ' -f2 pairs | sort -u | comm -23 patterns - | tr '\n' ' ')"
n=$(wc -l <exports)
expect_eq "exports: the malloc family, dlopen/dlclose, the API, 4 aligned new" \
    17 "$n"

extra=
for sym in $(cat imports); do
	case " $(echo $allowed) " in
	*" $sym "*) ;;
	*) extra="$extra $sym" ;;
	esac
done
expect_eq "every import is allowed" "" "$extra"
bad=
for sym in $forbidden; do
	grep -qx "$sym" imports && bad="$bad $sym"
done
expect_eq "no stdio, setenv or allocation" "" "$bad"
finish
