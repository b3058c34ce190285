#!/usr/bin/env bash
# Release: tag vX.Y.Z on the current main and move the major tag (vX) to it, as GitHub Actions
# users pin `uses: owner/repo@v1`. Usage: scripts/release.sh 1.2.3
# Checks first that the tree is clean, dist/ is fresh, the version is new and CHANGELOG.md has it.
set -euo pipefail
version="${1:-}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "usage: scripts/release.sh MAJOR.MINOR.PATCH (semantic version, e.g. 1.2.3)" >&2
  exit 2
fi
major="v${version%%.*}"
tag="v$version"
cd "$(dirname "$0")/.."

[ "$(git rev-parse --abbrev-ref HEAD)" = main ] || { echo "release from main" >&2; exit 1; }
[ -z "$(git status --porcelain)" ] || { echo "the working tree is not clean" >&2; exit 1; }
git rev-parse -q --verify "refs/tags/$tag" >/dev/null && { echo "$tag exists already" >&2; exit 1; }
grep -q "^## \[$version\]" CHANGELOG.md || { echo "CHANGELOG.md has no '## [$version]' section" >&2; exit 1; }

npm run build
[ -z "$(git status --porcelain -- dist)" ] || { echo "dist/ is stale: commit a fresh build first" >&2; exit 1; }

npm version "$version" --no-git-tag-version --allow-same-version >/dev/null
if [ -n "$(git status --porcelain)" ]; then
  git commit -qam "Release $tag"
fi
git tag -a "$tag" -m "Release $tag"
git tag -fa "$major" -m "Move $major to $tag"
echo "Tagged $tag and moved $major. Publish with:"
echo "  git push origin main $tag && git push --force origin $major"
echo "then draft a GitHub release for $tag (tick 'Publish this Action to the GitHub Marketplace')."
