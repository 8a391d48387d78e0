#!/bin/sh
# Points across Switzerland in WGS84 and in CH1903+ / LV95 (EPSG:2056) and
# CH1903 / LV03 (EPSG:21781), by PROJ's cs2cs (Debian's proj-bin) with the
# Helmert translation covaudit uses, written as a PROJ string so that PROJ
# applies exactly it; also PROJ's default pipeline for the EPSG codes.
# Run: sh scripts/reference/swiss_cs2cs.sh > geodata/crs/testdata/swiss.csv
set -eu
LV95='+proj=somerc +lat_0=46.9524055555556 +lon_0=7.43958333333333 +k_0=1 +x_0=2600000 +y_0=1200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m +no_defs'
LV03='+proj=somerc +lat_0=46.9524055555556 +lon_0=7.43958333333333 +k_0=1 +x_0=600000 +y_0=200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m +no_defs'
WGS='+proj=longlat +datum=WGS84 +no_defs'
echo "# made by scripts/reference/swiss_cs2cs.sh with $(cs2cs 2>&1 | head -1): a 6x5 grid over Switzerland (lon 5.96-10.49, lat 45.82-47.81)"
echo "# forward: cs2cs -f %.10f '$WGS' +to '<system>' (lon lat -> x y); inverse: cs2cs the other way from the forward's x y"
echo "# default_x, default_y: cs2cs EPSG:4326 EPSG:<code> (PROJ's own choice of operation)"
echo "code,lon,lat,x,y,inv_lon,inv_lat,default_x,default_y"
for code in 2056 21781; do
  if [ $code = 2056 ]; then S=$LV95; else S=$LV03; fi
  for lon in 5.96 6.87 7.77 8.68 9.58 10.49; do
    for lat in 45.82 46.32 46.81 47.31 47.81; do
      xy=$(echo "$lon $lat" | cs2cs -f %.10f $WGS +to $S | awk '{print $1","$2}')
      x=${xy%,*}; y=${xy#*,}
      inv=$(echo "$x $y" | cs2cs -f %.12f $S +to $WGS | awk '{print $1","$2}')
      def=$(echo "$lat $lon" | cs2cs -f %.10f EPSG:4326 EPSG:$code | awk '{print $1","$2}')
      echo "$code,$lon,$lat,$x,$y,$inv,$def"
    done
  done
done
