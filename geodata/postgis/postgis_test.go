package postgis

import (
	"os"
	"testing"

	"github.com/covaudit/covaudit/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
