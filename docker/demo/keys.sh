#!/bin/sh
# One-shot start of the demo (the compose service "keys"): the SSH key pair with which the
# appliance logs in to the right host, made once in the volume demo-keys (/keys), its public half
# readable by the right host; and the left folder (volume demo-left, /srv/left) given to the
# appliance's user, which runs as uid PSYNC_UID (10001, see docker/Dockerfile). The admin's first
# password: PSYNC_ADMIN_PASSWORD, else made at random, once, in the volume demo-secrets (/secrets),
# readable by the appliance's user only; setup.sh prints it.
set -eu

keys_dir=${KEYS_DIR:-/keys}
left_root=${LEFT_ROOT:-/srv/left}
psync_uid=${PSYNC_UID:-10001}
private_key="$keys_dir/id_ed25519"
secrets_dir=${SECRETS_DIR:-/secrets}
password_file="$secrets_dir/admin-password"

install -d -m 0755 "$keys_dir"
if [ -s "$private_key" ]; then
    echo "keys: $private_key exists"
    if [ ! -s "$private_key.pub" ]; then
        ssh-keygen -y -f "$private_key" > "$private_key.pub"
    fi
else
    rm -f "$private_key" "$private_key.pub"
    ssh-keygen -q -t ed25519 -N '' -C psync-demo -f "$private_key"
    echo "keys: made $private_key"
fi
chmod 0600 "$private_key"
chmod 0644 "$private_key.pub"

install -d -m 0755 "$secrets_dir"
if [ -n "${PSYNC_ADMIN_PASSWORD:-}" ]; then
    (umask 077; printf '%s\n' "$PSYNC_ADMIN_PASSWORD" > "$password_file")
    echo "keys: the admin password is PSYNC_ADMIN_PASSWORD"
elif [ ! -s "$password_file" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' 'xy' > "$password_file")
    echo "keys: made a random admin password in $password_file (setup prints it)"
fi
chown "$psync_uid:$psync_uid" "$password_file"
chmod 0400 "$password_file"

if [ -d "$left_root" ]; then
    chown "$psync_uid:$psync_uid" "$left_root"
    echo "keys: $left_root belongs to uid $psync_uid"
fi
