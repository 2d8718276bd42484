# shellcheck shell=bash
# Prepares the toolchain for this workspace. Source it: `source scripts/setup.sh`.
#
# Afterwards PATH contains Node.js 22 or newer, the Pulumi CLI v3.276.0, `pulumi-language-nodejs`
# and `pulumi-resource-pulumi-nodejs`, and the PULUMI_* variables point at state inside the clone,
# so `pulumi` runs without a network or ~/.pulumi. Every step is skipped when its output is
# current, so a second run takes well under a second.
#
# Environment:
#   SETUP_MINIMAL=1           only Node.js and node_modules (no library build, no Pulumi CLI).
#   KEYVAULT_PULUMI_CACHE     cache for the Node.js 22 binary and the Pulumi CLI build, shared by
#                             clones; default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-azure-keyvault-secret.
#   PULUMI_CONFIG_PASSPHRASE  kept when set (or when PULUMI_CONFIG_PASSPHRASE_FILE is set);
#                             otherwise the development passphrase keyvault-emulator-dev.
#
# The steps run in scripts/setup-steps.sh, a separate bash process with `set -euo pipefail`. A
# failed step prints the reason, and setup returns non-zero without closing the calling shell.

keyvault_setup_main() {
    local root cache steps node_dir pulumi_path external_host
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || return 1
    steps="$root/scripts/setup-steps.sh"
    cache=${KEYVAULT_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-azure-keyvault-secret}
    if ! mkdir -p "$cache" "$root/.pulumi-state" "$root/.pulumi-home"; then
        printf 'setup: error: cannot create %s or the state folders in %s\n' "$cache" "$root" >&2
        return 1
    fi

    # Exported before the first `pulumi` call, which would otherwise check online for a newer
    # release. Plugin acquisition is off because nothing here may be downloaded at run time.
    export PULUMI_SKIP_UPDATE_CHECK=true
    export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
    export PULUMI_HOME="$root/.pulumi-home"
    export PULUMI_BACKEND_URL="file://$root/.pulumi-state"
    if [[ -z "${PULUMI_CONFIG_PASSPHRASE+set}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
        export PULUMI_CONFIG_PASSPHRASE=keyvault-emulator-dev
    fi

    node_dir=$(bash "$steps" find_node "$cache") || return 1
    keyvault_setup_prepend_path "$node_dir"
    bash "$steps" install_dependencies "$root" || return 1

    if [[ "${SETUP_MINIMAL:-}" == 1 ]]; then
        printf 'setup: ready (minimal): node %s\n' "$(node --version)" >&2
        return 0
    fi

    bash "$steps" build_library "$root" || return 1
    pulumi_path=$(bash "$steps" find_pulumi "$cache") || return 1
    bash "$steps" link_pulumi "$root" "$pulumi_path" || return 1

    external_host=$(bash "$steps" find_external_language_host) || return 1
    if [[ -n "$external_host" ]]; then
        printf 'setup: using pulumi-language-nodejs from PATH: %s\n' "$external_host" >&2
        # .tools/bin comes first on PATH, so a wrapper left by an earlier run would shadow it.
        rm -f "$root/.tools/bin/pulumi-language-nodejs"
    else
        bash "$steps" write_language_host "$root" "$node_dir/node" || return 1
    fi
    bash "$steps" write_dynamic_provider "$root" "$node_dir" || return 1
    keyvault_setup_prepend_path "$root/.tools/bin"

    printf 'setup: ready: node %s, pulumi %s, backend %s\n' \
        "$(node --version)" "$pulumi_path" "$PULUMI_BACKEND_URL" >&2
}

keyvault_setup_prepend_path() {
    case ":$PATH:" in
    *":$1:"*) ;;
    *) export PATH="$1:$PATH" ;;
    esac
}

keyvault_setup_main
keyvault_setup_status=$?
unset -f keyvault_setup_main keyvault_setup_prepend_path
# `return` ends a sourced script; `exit` covers running it directly with bash.
return "$keyvault_setup_status" 2>/dev/null || exit "$keyvault_setup_status"
