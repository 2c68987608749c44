#!/bin/sh
# SPDX-License-Identifier: MIT
# run refuses, before starting anything, the programs ld.so will not
# preload the agent into: static ones, set-id ones whose ids would change,
# and scripts run by such an interpreter; all else still runs.
. "$top_srcdir/tests/lib.sh"

echo keep >heapprof.data

# refused WHAT MESSAGE CMD...: exit 1 with one line, nothing run or written
refused() {
	_what=$1 _msg=$2
	shift 2
	run_status rc "$@"
	expect_eq "$_what: status" 1 "$rc"
	expect_eq "$_what: message" "$_msg" "$(cat err)"
	expect_eq "$_what: the program did not run" "" "$(cat out)"
	expect_eq "$_what: heapprof.data untouched" keep "$(cat heapprof.data)"
}

static="$PROGS/static"
if [ -x "$static" ]; then
	refused "static program" \
	    "heapprof: cannot profile '$static': it is statically linked, so no dynamic loader runs to preload the agent" \
	    "$HP" run "$static" x
	printf '#!%s\n' "$static" >static-script
	chmod +x static-script
	expect_eq "the script runs without heapprof" "static ./static-script" \
	    "$(./static-script)"
	refused "script run by a static interpreter" \
	    "heapprof: cannot profile './static-script': its interpreter '$static' is statically linked, so no dynamic loader runs to preload the agent" \
	    "$HP" run ./static-script
	# Found through PATH as execvp would find it.
	refused "static program found in PATH" \
	    "heapprof: cannot profile 'static': it is statically linked, so no dynamic loader runs to preload the agent" \
	    env PATH="$PROGS" "$HP" run static
else
	echo "SKIP: no static libc to link tests/progs/static with"
fi

# Whether a set-id bit takes effect (and so ld.so ignores LD_PRELOAD) is
# the kernel's call: secure, a dynamic program, says what it decided.
cp "$PROGS/secure" suid
cp "$PROGS/secure" sgid
if [ "$(id -u)" -eq 0 ]; then
	# root too runs a program set-user-ID to another user securely.
	chown nobody suid && chgrp nogroup sgid 2>/dev/null ||
	    chgrp nobody sgid || fail "cannot chown the set-id copies"
fi
chmod 4755 suid
chmod 2755 sgid
for f in suid sgid; do
	case $f in suid) kind=setuid ;; *) kind=setgid ;; esac
	if [ "$(./$f)" = "AT_SECURE=1" ]; then
		refused "$kind program" \
		    "heapprof: cannot profile './$f': it is $kind, and the dynamic loader ignores LD_PRELOAD for it" \
		    "$HP" run ./$f
	else
		# Set-id to oneself (not root), or a nosuid mount: no secure
		# mode, so heapprof must not refuse.
		run_status rc "$HP" run -o $f.data ./$f
		expect_eq "$kind program without secure mode runs" \
		    "0 AT_SECURE=0" "$rc $(cat out)"
	fi
done

# ld.so run as a program has no PT_INTERP either, and does preload.
interp=$(readelf -l "$PROGS/basic" 2>/dev/null |
    sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
if [ -n "$interp" ]; then
	run_status rc "$HP" run -o ldso.data "$interp" "$PROGS/basic"
	expect_eq "ld.so as the program: status" 0 "$rc"
	expect_eq "ld.so as the program: basic's totals" \
	    "$(cat "$top_srcdir/tests/progs/basic.exp")" \
	    "$(profile_totals ldso.data)"
fi

# What preflight cannot judge is left to execvp, which runs a file that
# is neither ELF nor `#!` script with the shell.
printf 'exit 5\n' >text
chmod +x text
run_status rc "$HP" run -o text.data ./text
expect_eq "neither ELF nor script: run by the shell, as by execvp" "5 " \
    "$rc $(cat out)"
printf '#!/nonexistent/interpreter\n' >noint
chmod +x noint
run_status rc "$HP" run ./noint
expect_eq "missing interpreter: exec's status" 127 "$rc"
finish
