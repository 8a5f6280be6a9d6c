#!/usr/bin/env bash
# Installs the Psync appliance as a systemd service on a plain Debian host (run as root from a
# checkout with the .NET 10 SDK):
#   scripts/install.sh [--prefix /opt/psync] [--data /var/lib/psync] [--user psync]
#                      [--urls https://0.0.0.0:8443] [--yes] [--no-systemd] [--etc /etc]
# It builds and copies the app to PREFIX, creates the service user and its data folder, asks
# before raising the inotify limits (--yes agrees), writes /etc/systemd/system/psync.service and
# starts it. --no-systemd stops before systemctl (containers, CI); --etc writes the unit, the
# sysctl file and psync.env under another folder. PSYNC_ADMIN_PASSWORD, if set, goes to
# /etc/psync/psync.env (mode 0600) for the first start. It serves HTTPS with a self-signed
# certificate made in the data folder (fingerprint in the log) unless psync.env sets Tls__CertificatePath.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/opt/psync data=/var/lib/psync user=psync urls=https://0.0.0.0:8443 yes=0 systemd=1
etc=/etc unit_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --urls) urls="$2"; shift 2 ;;
    --etc) etc="$2"; shift 2 ;;
    --yes|-y) yes=1; shift ;;
    --no-systemd) systemd=0; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
unit_dir="$etc/systemd/system" sysctl_dir="$etc/sysctl.d" env_dir="$etc/psync"
for path in "$prefix" "$data" "$etc"; do
  case "$path" in /*) ;; *) echo "install.sh: $path is not an absolute path" >&2; exit 2 ;; esac
done
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (it creates a user and a service)" >&2; exit 1; }
dotnet=$(command -v dotnet) || { echo "install.sh: the .NET 10 SDK is needed (dotnet not found)" >&2; exit 1; }
dotnet=$(readlink -f "$dotnet")

echo "== dependencies"
PSYNC_DEPS_BROWSER=0 scripts/deps.sh

echo "== build into $prefix"
dotnet publish src/Psync.Web -c Release -o "$prefix/web" -nologo -clp:ErrorsOnly
scripts/publish-agent.sh "$prefix/agent"
chmod -R a+rX "$prefix"

echo "== user $user, data in $data"
if ! id -u "$user" >/dev/null 2>&1; then
  useradd --system --home-dir "$data" --no-create-home --shell /usr/sbin/nologin "$user"
fi
install -d -m 0700 -o "$user" -g "$(id -gn "$user")" "$data"

echo "== inotify limits"
watches=$(cat /proc/sys/fs/inotify/max_user_watches 2>/dev/null || echo 0)
instances=$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 0)
if [ "$watches" -lt 524288 ] || [ "$instances" -lt 512 ]; then
  echo "Each synced directory needs an inotify watch; this host allows $watches watches and $instances instances per user."
  answer=n
  if [ "$yes" = 1 ]; then
    answer=y
  elif [ -t 0 ]; then
    read -r -p "Raise them to 524288 watches and 512 instances (in $sysctl_dir/60-psync-inotify.conf)? [y/N] " answer
  fi
  case "$answer" in
    y|Y|yes)
      mkdir -p "$sysctl_dir"
      printf 'fs.inotify.max_user_watches = 524288\nfs.inotify.max_user_instances = 512\n' > "$sysctl_dir/60-psync-inotify.conf"
      sysctl -q -p "$sysctl_dir/60-psync-inotify.conf" || echo "(could not apply now, e.g. in a container: applies at the next boot)"
      ;;
    *) echo "Left as they are; big trees may hit the limit (the pair then says so)." ;;
  esac
fi

if [ -n "${PSYNC_ADMIN_PASSWORD:-}" ]; then
  install -d -m 0755 "$env_dir"
  (umask 077; printf 'PSYNC_ADMIN_PASSWORD=%s\n' "$PSYNC_ADMIN_PASSWORD" > "$env_dir/psync.env")
fi

echo "== service unit $unit_dir/psync.service"
mkdir -p "$unit_dir"
# The values are paths and a URL: replaced literally (| is not allowed in them).
for value in "$prefix" "$data" "$user" "$urls" "$dotnet" "$etc"; do
  case "$value" in *'|'*|*$'\n'*) echo "install.sh: '$value' holds | or a newline" >&2; exit 2 ;; esac
done
sed -e "s|@PREFIX@|$prefix|g" -e "s|@DATA@|$data|g" -e "s|@USER@|$user|g" -e "s|@URLS@|$urls|g" -e "s|@DOTNET@|$dotnet|g" -e "s|@ETC@|$etc|g" \
  scripts/systemd/psync.service > "$unit_dir/psync.service"

if [ "$systemd" = 1 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --now psync.service
  echo "Psync runs: systemctl status psync; logs: journalctl -u psync (the first admin password is there unless you set PSYNC_ADMIN_PASSWORD)."
else
  echo "Installed without starting (no systemd here). Start it with the unit's ExecStart as $user."
fi
