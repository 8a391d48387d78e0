// Package pgtest starts a throwaway PostgreSQL + PostGIS cluster for tests:
// Debian's server binaries (/usr/lib/postgresql/N/bin, package
// postgresql-N-postgis-3), initdb in a temporary folder, trust
// authentication, a Unix socket only (no TCP port), fsync off. The cluster
// starts on the first Start of a test binary and is stopped by Main after
// the tests; each test gets a database of its own, copied from a template
// that has PostGIS. When the server binaries or PostGIS cannot be found,
// Start skips the test saying what to install.
//
// initdb and postgres refuse to run as root: as root, they run as the
// user "postgres" (which Debian's package creates), and the folder is
// given to it.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a running server.
type Cluster struct {
	Dir    string // the temporary folder: data/, sock/, server.log
	Socket string // the folder of the Unix socket
	cmd    *exec.Cmd
	cred   *syscall.Credential
	done   chan error
}

var (
	once    sync.Once
	running *Cluster
	skipMsg string
	dbSeq   atomic.Int64
)

// Main runs the tests and stops the cluster if one was started:
// func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if running != nil {
		running.stop()
	}
	return code
}

// binDir is the newest Debian PostgreSQL server folder that has PostGIS.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(dirs[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(dirs[j]))))
		return vi > vj
	})
	if len(dirs) == 0 {
		return "", fmt.Errorf("no PostgreSQL server in /usr/lib/postgresql (apt-get install postgresql-15-postgis-3)")
	}
	for _, d := range dirs {
		ver := filepath.Base(filepath.Dir(filepath.Dir(d)))
		if _, err := os.Stat("/usr/share/postgresql/" + ver + "/extension/postgis.control"); err == nil {
			return filepath.Dir(d), nil
		}
	}
	return "", fmt.Errorf("PostgreSQL is installed but PostGIS is not (apt-get install postgresql-15-postgis-3)")
}

// Start returns the test binary's cluster, starting it on first use; it
// skips the test when PostgreSQL or PostGIS is not installed, and fails
// it when they are but the cluster does not start.
func Start(t testing.TB) *Cluster {
	t.Helper()
	var startErr error
	once.Do(func() {
		bin, err := binDir()
		if err != nil {
			skipMsg = err.Error()
			return
		}
		running, startErr = start(bin)
		if startErr != nil {
			startErr = fmt.Errorf("PostgreSQL did not start: %w", startErr)
		}
	})
	if skipMsg != "" {
		t.Skip("skipped: " + skipMsg)
	}
	if running == nil {
		if startErr == nil {
			startErr = fmt.Errorf("PostgreSQL did not start (see the first test that tried)")
		}
		t.Fatal(startErr)
	}
	return running
}

func start(bin string) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "covaudit-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, Socket: filepath.Join(dir, "sock"), done: make(chan error, 1)}
	if err := os.Mkdir(c.Socket, 0o700); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, and there is no user postgres to run the server as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		for _, p := range []string{dir, c.Socket} {
			if err := os.Chown(p, uid, gid); err != nil {
				return nil, err
			}
		}
	}
	initdb := c.command(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--locale=C")
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	// The server runs under a shell that stops it (and removes the
	// folder) when this process is gone, so that a test binary killed by
	// -timeout leaves no server behind.
	watch := fmt.Sprintf(`"$@" & pg=$!
trap 'kill -INT $pg; wait $pg; exit 0' INT TERM
while [ -d /proc/%d ] && kill -0 $pg 2>/dev/null; do sleep 1; done
kill -INT $pg 2>/dev/null; wait $pg
[ -d /proc/%d ] || rm -rf %q`, os.Getpid(), os.Getpid(), dir)
	c.cmd = c.command("/bin/sh", "-c", watch, "sh", filepath.Join(bin, "postgres"), "-D", filepath.Join(dir, "data"), "-k", c.Socket,
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=40", "-c", "shared_buffers=32MB")
	c.cmd.Stdout, c.cmd.Stderr = log, log
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { c.done <- c.cmd.Wait(); log.Close() }()
	// Ready when a connection succeeds.
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(context.Background(), c.URL("postgres"))
		if err == nil {
			conn.Close(context.Background())
			break
		}
		select {
		case werr := <-c.done:
			b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			return nil, fmt.Errorf("the server exited (%v): %s", werr, b)
		default:
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, fmt.Errorf("no connection after 30 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	conn, err := pgx.Connect(context.Background(), c.URL("postgres"))
	if err != nil {
		c.stop()
		return nil, err
	}
	defer conn.Close(context.Background())
	for _, q := range []string{`CREATE DATABASE template_postgis`, `ALTER DATABASE template_postgis IS_TEMPLATE true`} {
		if _, err := conn.Exec(context.Background(), q); err != nil {
			c.stop()
			return nil, fmt.Errorf("%s: %v", q, err)
		}
	}
	tc, err := pgx.Connect(context.Background(), c.URL("template_postgis"))
	if err != nil {
		c.stop()
		return nil, err
	}
	defer tc.Close(context.Background())
	if _, err := tc.Exec(context.Background(), `CREATE EXTENSION postgis`); err != nil {
		c.stop()
		return nil, fmt.Errorf("CREATE EXTENSION postgis: %v", err)
	}
	return c, nil
}

// command runs a server binary, as the user postgres when we are root.
func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.Dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd
}

// stop shuts the server down (fast: open sessions are ended) and removes
// its folder.
func (c *Cluster) stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.done:
		case <-time.After(20 * time.Second):
			c.cmd.Process.Kill()
			<-c.done
		}
	}
	os.RemoveAll(c.Dir)
}

// URL is the postgresql:// URL of database db on the cluster's socket.
func (c *Cluster) URL(db string) string {
	return "postgresql://postgres@/" + db + "?host=" + url.QueryEscape(c.Socket)
}

// OGR is the GDAL connection string of database db ("PG:host=...").
func (c *Cluster) OGR(db string) string {
	return fmt.Sprintf("PG:host=%s user=postgres dbname=%s", c.Socket, db)
}

// NewDB creates an empty database with PostGIS for one test (dropped
// when the test ends) and returns its name.
func (c *Cluster) NewDB(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	c.Exec(t, "postgres", `CREATE DATABASE `+name+` TEMPLATE template_postgis`)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), c.URL("postgres"))
		if err == nil {
			conn.Exec(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
			conn.Close(context.Background())
		}
	})
	return name
}

// Exec runs SQL statements (separated by ";") in database db, failing the
// test on an error.
func (c *Cluster) Exec(t testing.TB, db, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), c.URL(db))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", strings.TrimSpace(sql), err)
	}
}

// Load loads a file (GeoJSON, CSV, ...) into a table of database db with
// GDAL's ogr2ogr (Debian's gdal-bin), the geometry column named geom;
// extra arguments go to ogr2ogr. It skips the test when ogr2ogr is not
// installed.
func (c *Cluster) Load(t testing.TB, db, file, table string, extra ...string) {
	t.Helper()
	ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		t.Skip("skipped: ogr2ogr not found (apt-get install gdal-bin)")
	}
	args := append([]string{"-f", "PostgreSQL", c.OGR(db), file, "-nln", table, "-lco", "GEOMETRY_NAME=geom"}, extra...)
	if out, err := exec.Command(ogr, args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// Export copies a table of database db into a GeoPackage with ogr2ogr.
func (c *Cluster) Export(t testing.TB, db, table, gpkg string) {
	t.Helper()
	ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		t.Skip("skipped: ogr2ogr not found (apt-get install gdal-bin)")
	}
	args := []string{"-f", "GPKG", gpkg, c.OGR(db), table, "-nln", table}
	if out, err := exec.Command(ogr, args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %s: %v: %s", strings.Join(args, " "), err, out)
	}
}
