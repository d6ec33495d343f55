#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Makes the demo family's signed diplomas with dossier-issuer: a signing
# identity for each demo school in data/demo/issuers/, and one credential from
# each roster in data/demo/rosters/, written into the person's demo folder.
# Every run makes new keys, so it rewrites the identities and the diplomas
# together.  The demo schools' passphrase is below: they sign nothing real.
#
#   build-aux/make-demo-credentials.sh [BUILD_DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
issuer=$build/app/cli/dossier-issuer
demo=$top/data/demo
export DOSSIER_PASSPHRASE="dossier-demo-schools"

[ -x "$issuer" ] || { echo "Build Dossier first: $issuer is missing" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# slug|name|English name|web site
schools=(
  "thpt-chu-van-an|Trường THPT Chu Văn An (Hà Nội)|Chu Van An High School, Hanoi|https://thpt-chu-van-an.demo.invalid"
  "dhbk-ha-noi|Trường Đại học Bách khoa Hà Nội|Hanoi University of Science and Technology|https://dhbk-ha-noi.demo.invalid"
  "dh-cong-nghe|Trường Đại học Công nghệ, Đại học Quốc gia Hà Nội|VNU University of Engineering and Technology|https://dh-cong-nghe.demo.invalid"
  "dh-y-ha-noi|Trường Đại học Y Hà Nội|Hanoi Medical University|https://dh-y-ha-noi.demo.invalid"
  "so-gddt-ha-noi|Sở Giáo dục và Đào tạo Hà Nội|Hanoi Department of Education and Training|https://so-gddt-ha-noi.demo.invalid"
  "pgd-hoan-kiem|Phòng Giáo dục và Đào tạo quận Hoàn Kiếm|Hoan Kiem District Office of Education and Training|https://pgd-hoan-kiem.demo.invalid"
)
# roster (in data/demo/rosters, without .csv)|person|school|template|format|date of issue
# (a template ending in .json is a school's own, in data/demo/templates)
credentials=(
  "Bằng tốt nghiệp THPT (2026)|Nguyễn Minh Khang|thpt-chu-van-an|thpt-diploma|vc-jwt|2026-07-24"
  "Bằng kỹ sư Công nghệ thông tin (2001)|Nguyễn Minh Đức|dhbk-ha-noi|degree|di|2001-07-25"
  "Bằng thạc sĩ Khoa học máy tính (2008)|Nguyễn Minh Đức|dh-cong-nghe|degree|sd-jwt|2008-12-18"
  "Bằng bác sĩ Y khoa (2005)|Trần Thị Thu Hà|dh-y-ha-noi|degree|vc-jwt|2005-08-10"
  "Bằng tốt nghiệp THPT (1996)|Nguyễn Minh Đức|so-gddt-ha-noi|thpt-diploma|di|1996-08-20"
  "Bằng tốt nghiệp THCS (2023)|Nguyễn Minh Khang|pgd-hoan-kiem|thcs-diploma.json|vc-jwt|2023-07-14"
)

mkdir -p "$work/issuers"
for school in "${schools[@]}"; do
  IFS='|' read -r slug name name_en url <<<"$school"
  "$issuer" init --name "$name" --name-en "$name_en" --url "$url" --out "$work/issuers/$slug" >/dev/null
done

for credential in "${credentials[@]}"; do
  IFS='|' read -r roster person slug template format date <<<"$credential"
  out="$work/out/$slug-$format-$date"
  case "$template" in *.json) template="$demo/templates/$template" ;; esac
  "$issuer" issue --issuer "$work/issuers/$slug" --roster "$demo/rosters/$roster.csv" --template "$template" \
    --format "$format" --issued-at "$date" --out "$out" >/dev/null
  file=$(find "$out" -maxdepth 1 -type f ! -name '*.offer.json' ! -name '*.pdf' ! -name '*.png' \
           ! -name issued.json | head -n 1)
  extension=${file##*.}
  rm -f "$demo/$person/$roster".*
  cp "$file" "$demo/$person/$roster.$extension"
  echo "$person/$roster.$extension"
done

rm -rf "$demo/issuers"
cp -r "$work/issuers" "$demo/issuers"
