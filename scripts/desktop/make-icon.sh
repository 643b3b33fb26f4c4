#!/usr/bin/env bash
# Renders build/appicon.png (1024x1024): a shield with a check mark on an
# indigo-to-sky gradient tile, the same mark as the app's sidebar logo.
# Needs ImageMagick 6 (apt-get install imagemagick). Deterministic output.
set -euo pipefail
cd "$(dirname "$0")/../.."
IM=${IM:-/usr/bin/convert}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$IM" -size 1024x1024 -define gradient:direction=SouthEast gradient:'#6366f1-#0ea5e9' "$tmp/grad.png"
"$IM" -size 1024x1024 xc:none -fill white -draw 'roundrectangle 64,64 960,960 200,200' "$tmp/mask.png"
"$IM" "$tmp/grad.png" "$tmp/mask.png" -alpha off -compose CopyOpacity -composite "$tmp/tile.png"
"$IM" "$tmp/tile.png" \
  -fill 'rgba(255,255,255,0.96)' -stroke none \
  -draw "path 'M 512 208 L 752 300 L 752 500 C 752 650 650 760 512 820 C 374 760 272 650 272 500 L 272 300 Z'" \
  -fill none -stroke '#4f46e5' -strokewidth 56 -draw "stroke-linecap round stroke-linejoin round polyline 402,512 488,598 640,430" \
  -strip -define png:exclude-chunks=date,time build/appicon.png
echo "wrote build/appicon.png"
