#!/bin/sh
# The demo right host: authorizes the demo public key (volume demo-keys, made by the keys
# service) for the user sync, makes this host's SSH key once (volume right-hostkeys), runs sshd.
set -eu

public_key=/keys/id_ed25519.pub
host_key=/etc/ssh/keys/ssh_host_ed25519_key

if [ ! -s "$public_key" ]; then
    echo "right: $public_key is missing: the keys service makes it (docker compose up runs it first)" >&2
    exit 1
fi
install -d -o sync -g sync -m 0700 /home/sync/.ssh
install -o sync -g sync -m 0600 "$public_key" /home/sync/.ssh/authorized_keys

if [ ! -s "$host_key" ]; then
    install -d -m 0755 "$(dirname "$host_key")"
    rm -f "$host_key" "$host_key.pub"
    ssh-keygen -q -t ed25519 -N '' -C right -f "$host_key"
fi
# The fingerprint to compare with the one the appliance shows before trusting this host.
echo "right: host key $(ssh-keygen -l -f "$host_key.pub")"

install -d -m 0755 /run/sshd
exec /usr/sbin/sshd -D -e
