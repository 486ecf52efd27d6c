#!/bin/sh
# Exits 0 when clang can link a libFuzzer target on this machine.
command -v clang >/dev/null 2>&1 || exit 1
t=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$t/f.c"
clang -fsanitize=fuzzer "$t/f.c" -o "$t/f" >/dev/null 2>&1
rc=$?
rm -rf "$t"
exit $rc
