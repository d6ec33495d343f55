#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# dossier-issuer signs a class in each format and revokes one diploma;
# jose, @sd-jwt/sd-jwt-vc and @digitalbazaar/vc (pinned in issuer/) check
# the signatures and the status lists.  The other way round,
# @digitalbazaar/vc signs eddsa-rdfc-2022 and ecdsa-rdfc-2019 (P-256 and
# P-384) credentials that dossier-cli must find valid, and a tampered one
# invalid.
# Credentials dossier-sign secures with eddsa-rdfc-2022 and ecdsa-rdfc-2019
# (P-256, P-384) are checked by the same library.
#   run-issuer-peers.sh ISSUER SHARED_DIR WORK_DIR PEER_SCRIPT PACKAGE_DIR DOSSIER_CLI RDFC_PEER_SCRIPT DOSSIER_SIGN
set -eu
issuer=$1 shared=$2 work=$3 script=$4 packages=$5 cli=$6 rdfc_script=$7 sign=$8
. "$(dirname "$0")/prepare-peers.sh"
peers="$work/issuer-peers"
if ! cmp -s "$packages/package-lock.json" "$peers/package-lock.json" || [ ! -d "$peers/node_modules" ]; then
  rm -rf "$peers"
  mkdir -p "$peers"
  cp "$packages/package.json" "$packages/package-lock.json" "$peers/"
  (cd "$peers" && npm ci --no-audit --no-fund >/dev/null)
fi
cp "$script" "$rdfc_script" "$peers/"
out="$work/issuer-roundtrip"
rm -rf "$out"
mkdir -p "$out"
export DOSSIER_PASSPHRASE="khóa trường học 2026"
printf '\357\273\277STT,Họ và tên,Ngày sinh,Giới tính,Nơi sinh,Số hiệu văn bằng,Số vào sổ cấp văn bằng,Năm tốt nghiệp\r\n%s\r\n%s\r\n%s\r\n' \
  '1,Nguyễn Thị Ánh,05/03/2008,Nữ,"Hà Nội, Việt Nam",B2026-0001,SV-001,2026' \
  '2,Trần Văn Đức,31/12/2008,Nam,Huế,B2026-0002,SV-002,2026' \
  '3,Lê Hoàng Yến,1/1/2008,Nữ,Đà Nẵng,B2026-0003,SV-003,2026' > "$out/roster.csv"
"$issuer" init --name "Trường THPT Chu Văn An" --name-en "Chu Van An High School" \
  --url https://thpt-cva.example.edu.vn --out "$out/school" >/dev/null
for format in vc-jwt sd-jwt di; do
  "$issuer" issue --issuer "$out/school" --roster "$out/roster.csv" --template thpt-diploma \
    --format "$format" --out "$out/$format" >/dev/null
done
"$issuer" issue --issuer "$out/school" --roster "$out/roster.csv" --template thpt-diploma \
  --format di --cryptosuite eddsa-rdfc-2022 --out "$out/di-rdfc" >/dev/null
"$issuer" revoke --issuer "$out/school" B2026-0002 >/dev/null
node "$peers/$(basename "$script")" "$out/school" "$shared/contexts" "$out/vc-jwt" "$out/sd-jwt" "$out/di" B2026-0002 \
  "$out/di-rdfc"

node "$peers/$(basename "$rdfc_script")" sign "$shared/contexts" "$out/peer-rdfc" 5
for file in "$out"/peer-rdfc/signed-*.json; do
  if ! "$cli" verify --json --trust "$out/peer-rdfc/key.json" "$file" >"$out/peer-rdfc/verdict.json"; then
    echo "FAIL dossier-cli refused $file: $(cat "$out/peer-rdfc/verdict.json")"
    exit 1
  fi
done
if "$cli" verify --json --trust "$out/peer-rdfc/key.json" "$out/peer-rdfc/tampered.json" >"$out/peer-rdfc/verdict.json" ||
   ! grep -q '"name":"signature","ok":false' "$out/peer-rdfc/verdict.json"; then
  echo "FAIL dossier-cli did not find the tampered credential's signature wrong: $(cat "$out/peer-rdfc/verdict.json")"
  exit 1
fi
for curve in P-256 P-384; do
  if ! "$cli" verify --json --trust "$out/peer-rdfc/ecdsa-$curve-key.json" "$out/peer-rdfc/ecdsa-$curve.json" \
       >"$out/peer-rdfc/verdict.json"; then
    echo "FAIL dossier-cli refused the peer's ecdsa-rdfc-2019 $curve credential: $(cat "$out/peer-rdfc/verdict.json")"
    exit 1
  fi
done
echo "dossier-cli: the peer's eddsa-rdfc-2022 and ecdsa-rdfc-2019 credentials verify, the tampered one does not"

rm -rf "$out/dossier-rdfc"
mkdir -p "$out/dossier-rdfc"
"$sign" di "$out/dossier-rdfc"
node "$peers/$(basename "$rdfc_script")" verify "$shared/contexts" "$out/dossier-rdfc"
