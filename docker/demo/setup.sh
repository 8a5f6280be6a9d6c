#!/bin/sh
# One-shot setup of the demo (the compose service "setup"), through the appliance's REST API:
# signs in, adds the right host "right" (user sync, the demo key from the volume demo-keys),
# trusts its host key and creates the pair "demo" (/srv/left here, /srv/right on right).
# Run again, it does nothing: the pair exists. It prints the admin's password (demo-secrets).
#
# DEMO ONLY: curl -k accepts the appliance's self-signed certificate unseen; in real use compare the
# fingerprint it logs with the one your browser or client shows, or give it your own certificate.
#
# DEMO ONLY: this script trusts whatever host key the right host presents. In real use a person
# compares the fingerprint the appliance shows (Hosts > Test, or POST /api/v1/hosts/ID/test) with
# the host's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on that host) and trusts it
# only when they match: a key trusted blindly may belong to whoever sits in between.
set -eu

url=${PSYNC_URL:-https://psync:8443}
admin_user=${PSYNC_ADMIN_USER:-admin}
password_file=${PSYNC_ADMIN_PASSWORD_FILE:-/secrets/admin-password}
[ -r "$password_file" ] || { printf 'setup: %s is missing: the keys service makes it\n' "$password_file" >&2; exit 1; }
admin_password=$(cat "$password_file")
key_file=${DEMO_KEY_FILE:-/keys/id_ed25519}
host_name=${RIGHT_HOST_NAME:-right}
host_address=${RIGHT_ADDRESS:-right}
host_port=${RIGHT_PORT:-22}
host_user=${RIGHT_USER:-sync}
pair_name=${PAIR_NAME:-demo}
left_root=${LEFT_ROOT:-/srv/left}
right_root=${RIGHT_ROOT:-/srv/right}
wait_seconds=${WAIT_SECONDS:-120}

say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# api METHOD PATH [-]: the API's answer on stdout; with "-", the JSON body comes on stdin. The token
# goes in a header file and the private key through stdin, not on a command line others can read.
api() {
    if [ "${3:-}" = - ]; then
        answer=$(curl -ksS --fail-with-body -X "$1" -H @"$headers" -H 'content-type: application/json' --data-binary @- -- "$url/api/v1$2") ||
            fail "$1 $2 failed: $answer"
    else
        answer=$(curl -ksS --fail-with-body -X "$1" -H @"$headers" -- "$url/api/v1$2") || fail "$1 $2 failed: $answer"
    fi
    printf '%s\n' "$answer"
}

headers=$(mktemp)
trap 'rm -f "$headers"' EXIT
[ -r "$key_file" ] || fail "$key_file is missing: the keys service makes it"

# Compose starts this once psync is healthy; on its own, wait for it.
waited=0
until curl -kfsS -o /dev/null -- "$url/healthz" 2>/dev/null; do
    [ "$waited" -lt "$wait_seconds" ] || fail "$url/healthz did not answer within $wait_seconds s"
    sleep 2
    waited=$((waited + 2))
done

login=$(jq -n --arg u "$admin_user" --arg p "$admin_password" '{username: $u, password: $p}' |
    curl -ksS --fail-with-body -X POST -H 'content-type: application/json' --data-binary @- -- "$url/api/v1/auth/login") ||
    fail "cannot sign in as $admin_user (PSYNC_ADMIN_PASSWORD only sets the password at the appliance's first start): $login"
token=$(printf '%s' "$login" | jq -er .token)
printf 'authorization: Bearer %s\n' "$token" > "$headers"
say "signed in to $url as $admin_user"
say "open https://localhost:8443 and sign in as $admin_user with the password $admin_password"

pairs=$(api GET /pairs)
if [ "$(printf '%s' "$pairs" | jq --arg n "$pair_name" 'any(.[]; .name == $n)')" = true ]; then
    say "the pair '$pair_name' exists: nothing to do"
    exit 0
fi

hosts=$(api GET /hosts)
host_id=$(printf '%s' "$hosts" | jq -r --arg n "$host_name" 'map(select(.name == $n)) | first | .id // empty')
if [ -z "$host_id" ]; then
    host=$(jq -n --arg name "$host_name" --arg address "$host_address" --argjson port "$host_port" \
        --arg user "$host_user" --rawfile key "$key_file" \
        '{name: $name, address: $address, port: $port, user: $user, privateKey: $key}' | api POST /hosts -)
    host_id=$(printf '%s' "$host" | jq -er .id)
    say "added the host '$host_name' ($host_user@$host_address:$host_port) as host $host_id"
else
    say "the host '$host_name' exists (host $host_id)"
fi

# The right host may still be starting sshd.
waited=0
while :; do
    result=$(api POST "/hosts/$host_id/test")
    [ "$(printf '%s' "$result" | jq .reachable)" = true ] && break
    [ "$waited" -lt "$wait_seconds" ] || fail "cannot reach $host_address:$host_port: $(printf '%s' "$result" | jq -r .message)"
    sleep 2
    waited=$((waited + 2))
done

if [ "$(printf '%s' "$result" | jq .trusted)" != true ]; then
    fingerprint=$(printf '%s' "$result" | jq -er .fingerprint) || fail "$(printf '%s' "$result" | jq -r .message)"
    say "DEMO ONLY: trusting the host key of '$host_name' without comparing it: $fingerprint"
    say "(in real use, compare it with ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host first)"
    trusted=$(jq -n --arg f "$fingerprint" '{fingerprint: $f}' | api POST "/hosts/$host_id/trust" -)
    [ "$(printf '%s' "$trusted" | jq .trusted)" = true ] || fail "$(printf '%s' "$trusted" | jq -r .message)"
    result=$trusted
fi
say "$(printf '%s' "$result" | jq -r .message)"

pair=$(jq -n --arg name "$pair_name" --arg left "$left_root" --arg right "$right_root" --argjson host "$host_id" \
    '{name: $name, leftRoot: $left, rightRoot: $right, hostId: $host}' | api POST /pairs -)
say "created the pair '$pair_name' (pair $(printf '%s' "$pair" | jq -r .id)): $left_root <-> $host_address:$right_root"
