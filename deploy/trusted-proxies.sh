#!/bin/sh
# Run by the nginx image before nginx starts (mounted into
# /docker-entrypoint.d/ by docker-compose.yml): one set_real_ip_from for each
# address or network in TRUSTED_PROXIES, the same list the app trusts, into
# the file deploy/nginx.conf includes. Nothing else may name the client:
# with an empty list nginx believes no X-Forwarded-For at all.
set -eu

out="${TRUSTED_PROXIES_CONF:-/etc/nginx/trusted-proxies.conf}"
{
    echo "# Written from TRUSTED_PROXIES by $(basename "$0") at start-up."
    for proxy in $(echo "${TRUSTED_PROXIES:-}" | tr ',' ' '); do
        case "$proxy" in
            *[!0-9A-Fa-f.:/]*)
                echo "$0: TRUSTED_PROXIES: not an address or network: $proxy" >&2
                exit 1
                ;;
        esac
        echo "set_real_ip_from $proxy;"
    done
} > "$out"
