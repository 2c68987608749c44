#!/bin/sh
# report and the top level: bad files and bad options.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" report x.data
expect_eq "missing file: status" 1 "$rc"
expect_eq "missing file: message" "heapprof: cannot open 'x.data': No such file or directory" "$(cat err)"

run_status rc "$HP" report
expect_eq "missing default file" "heapprof: cannot open 'heapprof.data': No such file or directory" "$(cat err)"

: >empty.data
run_status rc "$HP" report empty.data
expect_eq "empty file: status" 1 "$rc"
expect_eq "empty file: message" "heapprof: 'empty.data': empty file, not a profile" "$(cat err)"

echo "hello, world" >text.data
run_status rc "$HP" report text.data
expect_eq "not a profile: status" 1 "$rc"
expect_eq "not a profile: message" "heapprof: 'text.data': not a heapprof profile" "$(cat err)"

"$HP" run -o good.data "$PROGS/basic" 2>/dev/null || fail "run basic"
head -c 100 good.data >short.data
run_status rc "$HP" report short.data
expect_eq "truncated: status" 1 "$rc"
expect_grep "truncated: message" "heapprof: 'short.data': truncated profile (" err

# Bump the format version (bytes 8..11) past what this heapprof reads.
cp good.data newer.data
printf '\377' | dd of=newer.data bs=1 seek=8 conv=notrunc 2>/dev/null
run_status rc "$HP" report newer.data
expect_eq "newer version: status" 1 "$rc"
expect_grep "newer version: message" "heapprof: 'newer.data': profile format version 255 is newer than this heapprof reads (2)" err

run_status rc "$HP" report --sort=nonsense good.data
expect_eq "bad sort key: status" 64 "$rc"
expect_grep "bad sort key lists the keys" "invalid sort key 'nonsense' (valid keys: bytes, blocks, lifetime, peak, leaked, max, avg-size)" err

run_status rc "$HP" report --top=x good.data
expect_eq "bad --top: status" 64 "$rc"
run_status rc "$HP" report --format=xml good.data
expect_eq "bad --format: status" 64 "$rc"
run_status rc "$HP" report --bogus good.data
expect_eq "unknown option: status" 64 "$rc"
expect_grep "unknown option: argp usage" "Try \`heapprof report --help'" err

run_status rc "$HP"
expect_eq "no command: status" 64 "$rc"
expect_grep "no command lists run" "  run " err
expect_grep "no command lists report" "  report " err
run_status rc "$HP" frobnicate
expect_eq "unknown command: status" 64 "$rc"
expect_grep "unknown command: message" "heapprof: unknown command 'frobnicate'" err

run_status rc "$HP" --help
expect_eq "--help: status" 0 "$rc"
expect_grep "--help lists report" "  report " out
run_status rc "$HP" --version
expect_eq "--version" "heapprof 0.1.0" "$(cat out)"
run_status rc "$HP" help run
expect_eq "help run: status" 0 "$rc"
expect_grep "help run is run's help" "Usage: heapprof run" out
run_status rc "$HP" run --help
expect_grep "run --help names heapprof run" "Usage: heapprof run [OPTION...] [--] PROGRAM [ARG...]" out
finish
