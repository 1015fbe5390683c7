# Sourced by the tools: exports JAVA_HOME pointing at a JDK 25 or newer, or explains and exits.
# Order: $JAVA_HOME, then the JDKs under /usr/lib/jvm (newest first), then the java on PATH.

rrcm_jdk_feature() { # $1 = JDK home; prints its feature version or 0
    local rel="$1/release" v
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || { echo 0; return; }
    if [ -f "$rel" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9]*\).*/\1/p' "$rel" | head -n 1)
        echo "${v:-0}"
    else
        echo 0
    fi
}

rrcm_find_jdk() {
    local candidates=() home
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if [ -d /usr/lib/jvm ]; then
        while IFS= read -r home; do candidates+=("$home"); done < <(ls -d /usr/lib/jvm/*/ 2>/dev/null | sed 's#/$##' | sort -r)
    fi
    if command -v javac >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
    fi
    for home in "${candidates[@]}"; do
        if [ "$(rrcm_jdk_feature "$home")" -ge 25 ] 2>/dev/null; then
            echo "$home"
            return 0
        fi
    done
    return 1
}

if ! RRCM_JDK=$(rrcm_find_jdk); then
    echo "rrcm-engine needs a JDK 25 or newer (javac included), and none was found in JAVA_HOME," >&2
    echo "under /usr/lib/jvm or on PATH. Install one, e.g. 'apt-get install temurin-25-jdk'" >&2
    echo "(Adoptium's apt repository) or unpack a JDK 25 and set JAVA_HOME to it." >&2
    exit 2
fi
export JAVA_HOME="$RRCM_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
