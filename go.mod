module github.com/covaudit/covaudit

go 1.26.0

require (
	github.com/paulmach/orb v0.14.0
	github.com/spf13/pflag v1.1.0
	github.com/tidwall/rtree v1.10.0
	golang.org/x/text v0.44.0
	gopkg.in/yaml.v3 v3.0.1
)

require github.com/tidwall/geoindex v1.7.0 // indirect
