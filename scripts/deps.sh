#!/usr/bin/env bash
# Installs with apt what building, running and testing Psync need and this machine lacks:
# rsync, the OpenSSH server (tests) and client, inotify-tools (tests), a C compiler and make
# (native/cinotify), clang, lld and zlib (the static NativeAOT agent), the arm64 cross compiler and
# libc (the arm64 agent and cinotify), file (checks that they are static), qemu-user-static (runs
# the arm64 agent in tests), acl and attr (setfacl, setfattr: ACL and xattr tests), chromium (browser tests).
set -euo pipefail
need=()
command -v rsync >/dev/null || need+=(rsync)
command -v ssh >/dev/null || need+=(openssh-client)
command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v inotifywait >/dev/null || need+=(inotify-tools)
command -v clang >/dev/null || need+=(clang)
command -v make >/dev/null || need+=(make)
command -v cc >/dev/null || need+=(gcc)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
command -v ld.lld >/dev/null || need+=(lld)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/lib/libc.a ] || need+=(libc6-dev-arm64-cross)
command -v file >/dev/null || need+=(file)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
command -v setfacl >/dev/null || need+=(acl)
command -v setfattr >/dev/null || need+=(attr)
if [ "${PSYNC_DEPS_BROWSER:-1}" = 1 ]; then
  command -v chromium >/dev/null || need+=(chromium fonts-liberation)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
