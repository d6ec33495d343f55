#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# eddsa-rdfc-2022 verification speed, in one run: 200 Open Badges diplomas
# signed by dossier-issuer, verified by Dossier in process and by
# @digitalbazaar/vc in Node (pinned in tests/peers/issuer), and the ratio.
# Figures only.
#   bench-rdfc.sh BENCH_VERIFY ISSUER SHARED_DIR WORK_DIR PEER_SCRIPT PACKAGE_DIR [SECONDS] [COUNT]
set -eu
bench=$1 issuer=$2 shared=$3 work=$4 script=$5 packages=$6 seconds=${7:-5} count=${8:-200}

. "$(dirname "$0")/../tests/peers/prepare-peers.sh"
peers="$work/issuer-peers"
if ! cmp -s "$packages/package-lock.json" "$peers/package-lock.json" || [ ! -d "$peers/node_modules" ]; then
  rm -rf "$peers"
  mkdir -p "$peers"
  cp "$packages/package.json" "$packages/package-lock.json" "$peers/"
  (cd "$peers" && npm ci --no-audit --no-fund >/dev/null)
fi
cp "$script" "$peers/"

corpus="$work/bench-rdfc"
if [ "$(ls "$corpus/vc-di" 2>/dev/null | wc -l)" -ne "$count" ]; then
  rm -rf "$corpus"
  mkdir -p "$corpus/trust" "$corpus/vc-di"
  export DOSSIER_PASSPHRASE="khóa trường học 2026"
  {
    printf '\357\273\277STT,Họ và tên,Ngày sinh,Giới tính,Nơi sinh,Số hiệu văn bằng,Số vào sổ cấp văn bằng,Năm tốt nghiệp\r\n'
    i=1
    while [ "$i" -le "$count" ]; do
      printf '%d,Nguyễn Văn Học Sinh %d,05/03/2007,Nam,Hà Nội,B2025-%04d,SV-%04d,2025\r\n' "$i" "$i" "$i" "$i"
      i=$((i + 1))
    done
  } > "$corpus/roster.csv"
  "$issuer" init --name "Trường THPT Chu Văn An" --name-en "Chu Van An High School" \
    --url https://thpt-cva.example.edu.vn --out "$corpus/school" >/dev/null
  "$issuer" issue --issuer "$corpus/school" --roster "$corpus/roster.csv" --template thpt-diploma \
    --format di --cryptosuite eddsa-rdfc-2022 --issued-at 2025-06-30 --out "$corpus/issued" >/dev/null
  for file in "$corpus"/issued/*.json; do
    case "$file" in
      *.offer.json|*/issued.json) ;;
      *) cp "$file" "$corpus/vc-di/" ;;
    esac
  done
  cp "$corpus/school/did.json" "$corpus/school/status/revocation.jwt" "$corpus/school/status/suspension.jwt" "$corpus/trust/"
fi

dossier=$("$bench" "$corpus" "$seconds" | grep 'format=vc-di')
echo "$dossier"
node_line=$(node "$peers/$(basename "$script")" bench "$shared/contexts" "$corpus/school" "$corpus/vc-di" "$seconds")
echo "$node_line"
echo "$dossier" | grep -q " valid=0$" && { echo "bench-rdfc: Dossier found none of the credentials valid"; exit 1; }
d=$(echo "$dossier" | sed -n 's/.* per_user_second=\([0-9]*\).*/\1/p')
n=$(echo "$node_line" | sed -n 's/.* per_user_second=\([0-9]*\).*/\1/p')
dw=$(echo "$dossier" | sed -n 's/.* per_second=\([0-9]*\).*/\1/p')
nw=$(echo "$node_line" | sed -n 's/.* per_second=\([0-9]*\).*/\1/p')
awk -v d="$d" -v n="$n" -v dw="$dw" -v nw="$nw" \
  'BEGIN { printf "ratio dossier/node eddsa-rdfc-2022: %.2f per user CPU second, %.2f per wall-clock second\n", d / n, dw / nw }'
