#!/usr/bin/env bash
# Publish a new gongshi build by copying only what changed, using the two manifests.
#
#   bash sync.sh NEW_SITE TARGET
#
# NEW_SITE: the folder `gongshi build` wrote (public/: a link to the tree holding the site,
# .public.a or .public.b, followed once at the start, so a build that points the link at its
# other tree meanwhile cannot mix two sites into one copy). TARGET: the published folder, either a
# local path (the web server's root, or a mounted share) or an rsync destination
# (user@host:/srv/gongshi/public; needs rsync and ssh on both ends). The manifest on TARGET says
# what is there now; new and changed files are copied first, the new manifest after them, and
# files the new build no longer has are removed last, so a reader never meets a page whose
# assets are gone. The first run (no manifest on TARGET) copies everything.
set -euo pipefail
usage="用法：bash sync.sh 新生成的文件夹 发布目标"
NEW="${1:?$usage}"
TARGET="${2:?$usage}"
[ -f "$NEW/manifest.sha256" ] || {
    echo "错误：$NEW 里没有 manifest.sha256，不是 gongshi 生成的网站" >&2
    exit 1
}
NEW="$(cd "$NEW" && pwd -P)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
REMOTE=0
[[ "$TARGET" == *:* ]] && REMOTE=1

if [ "$REMOTE" = 1 ]; then
    rsync -q "$TARGET/manifest.sha256" "$WORK/old" 2>/dev/null || : >"$WORK/old"
else
    mkdir -p "$TARGET"
    cp "$TARGET/manifest.sha256" "$WORK/old" 2>/dev/null || : >"$WORK/old"
fi
sort "$WORK/old" >"$WORK/old.sorted"
sort "$NEW/manifest.sha256" >"$WORK/new.sorted"
# a manifest line is "<sha256>  <path>": lines only in the new one are new or changed files
comm -13 "$WORK/old.sorted" "$WORK/new.sorted" | cut -d' ' -f3- >"$WORK/changed"
cut -d' ' -f3- "$WORK/old.sorted" | sort >"$WORK/old.paths"
cut -d' ' -f3- "$WORK/new.sorted" | sort >"$WORK/new.paths"
comm -23 "$WORK/old.paths" "$WORK/new.paths" >"$WORK/removed"

if [ "$REMOTE" = 1 ]; then
    rsync -a --files-from="$WORK/changed" "$NEW/" "$TARGET/"
    rsync -a "$NEW/manifest.sha256" "$TARGET/manifest.sha256"
    host="${TARGET%%:*}"
    dir="${TARGET#*:}"
    sed "s|^|$dir/|" "$WORK/removed" | ssh "$host" 'xargs -r -d "\n" rm -f --'
else
    (cd "$NEW" && xargs -r -d '\n' cp --parents -p -t "$(cd "$OLDPWD" && cd "$TARGET" && pwd)" --) <"$WORK/changed"
    cp -p "$NEW/manifest.sha256" "$TARGET/manifest.sha256"
    (cd "$TARGET" && xargs -r -d '\n' rm -f --) <"$WORK/removed"
fi
echo "已发布到 $TARGET：$(wc -l <"$WORK/changed") 个文件新增或有变化，删除 $(wc -l <"$WORK/removed") 个。"
