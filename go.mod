module github.com/covaudit/covaudit

go 1.26.8

require (
	github.com/paulmach/orb v0.14.0 // indirect
	github.com/spf13/pflag v1.1.0 // indirect
	github.com/tidwall/geoindex v1.7.0 // indirect
	github.com/tidwall/rtree v1.10.0 // indirect
)
