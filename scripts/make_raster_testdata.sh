#!/bin/sh
# Writes the test rasters of the GeoTIFF reader with Debian's gdal-bin: one
# 7 x 5 grid of people per cell over Andorra (an ESRI ASCII grid, with a
# no-data cell), as GeoTIFFs of every sample type, compression, predictor
# and layout the reader supports, and one in UTM that it must refuse.
#
#   sh scripts/make_raster_testdata.sh
set -eu
cd "$(dirname "$0")/.."
out=geodata/testdata/raster
mkdir -p "$out"
cat > "$out"/people.asc <<'ASC'
ncols 7
nrows 5
xllcorner 1.40
yllcorner 42.42
cellsize 0.05
NODATA_value -9999
0 12.5 40 7 0 0 3
100 250.25 -9999 80 60 2 1
5 33 90 1200.5 75 10 0
0 0 14 66 45 8 2
1 2 3 4 5 6 7
ASC
t() { gdal_translate -q -a_srs EPSG:4326 "$@"; }
t -ot Float32 -co COMPRESS=NONE "$out"/people.asc "$out"/f32-none-strips.tif
t -ot Float32 -co COMPRESS=DEFLATE -co PREDICTOR=3 -co TILED=YES -co BLOCKXSIZE=16 -co BLOCKYSIZE=16 "$out"/people.asc "$out"/f32-deflate-pred3-tiles.tif
t -ot Float64 -co COMPRESS=LZW -co PREDICTOR=3 -co BLOCKYSIZE=2 "$out"/people.asc "$out"/f64-lzw-pred3-strips.tif
t -ot Float32 -co COMPRESS=LZW -co TILED=YES -co BLOCKXSIZE=16 -co BLOCKYSIZE=16 "$out"/people.asc "$out"/f32-lzw-tiles.tif
t -ot Int16 -scale 0 1 0 1 -co COMPRESS=LZW -co PREDICTOR=2 "$out"/people.asc "$out"/i16-lzw-pred2-strips.tif
t -ot UInt16 -a_nodata 65535 -co COMPRESS=DEFLATE -co PREDICTOR=2 -co TILED=YES -co BLOCKXSIZE=16 -co BLOCKYSIZE=16 "$out"/people.asc "$out"/u16-deflate-pred2-tiles.tif
t -ot Int32 -co COMPRESS=NONE -co BLOCKYSIZE=3 "$out"/people.asc "$out"/i32-none-strips.tif
gdalwarp -q -overwrite -t_srs EPSG:32631 "$out"/f32-none-strips.tif "$out"/utm.tif
# GDAL's reading of each, cell centres and values, for the test to compare.
for f in "$out"/*.tif; do
  case "$f" in *utm.tif) continue;; esac
  gdal_translate -q -of XYZ "$f" "${f%.tif}.xyz"
done
