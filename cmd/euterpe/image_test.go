package main

import (
	"bufio"
	"context"
	"debug/elf"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

// imageUID is the unprivileged user the image runs as (Dockerfile's USER).
const imageUID = 65532

// buildFor cross-compiles the binary as the Dockerfile does (static, no
// cgo), for goarch, into dir.
func buildFor(t *testing.T, dir, goarch string) string {
	t.Helper()
	out := filepath.Join(dir, "euterpe-"+goarch)
	cmd := exec.Command(goTool(), "build", "-trimpath", "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for linux/%s: %v\n%s", goarch, err, b)
	}
	return out
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

// The binaries the image holds, for both architectures, are static (an
// image FROM scratch has no loader and no libc) and carry the time zones
// and TLS roots that such an image lacks.
func TestImageBinariesAreStatic(t *testing.T) {
	dir := t.TempDir()
	for arch, machine := range map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64} {
		f, err := elf.Open(buildFor(t, dir, arch))
		if err != nil {
			t.Fatal(err)
		}
		libs, _ := f.ImportedLibraries()
		if f.Machine != machine || len(libs) != 0 || f.Section(".interp") != nil {
			t.Errorf("linux/%s: machine %s, libraries %v, interpreter %v; want a static %s binary", arch, f.Machine, libs, f.Section(".interp") != nil, machine)
		}
		syms, err := f.Symbols()
		if err != nil {
			t.Fatal(err)
		}
		var tzdata, roots bool
		for _, s := range syms {
			tzdata = tzdata || strings.HasPrefix(s.Name, "time/tzdata.")
			roots = roots || strings.HasPrefix(s.Name, "golang.org/x/crypto/x509roots/fallback.")
		}
		if !tzdata || !roots {
			t.Errorf("linux/%s: time zones embedded %v, TLS roots embedded %v; want both", arch, tzdata, roots)
		}
		f.Close()
	}
}

// The amd64 binary run as the image runs it: an unprivileged user, no HOME,
// no TZ, nothing writable (its working and temporary directories are
// read-only), only the settings compose gives. It migrates, serves, and
// `euterpe healthcheck` says healthy; once the server stops, unhealthy.
func TestBinaryRunsAsTheImageRunsIt(t *testing.T) {
	dir := t.TempDir()
	bin := buildFor(t, dir, "amd64")
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	// The test's own directory must be passable for the user the binary
	// runs as.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dbURL := testdb.Create(t)
	key, _ := tokencrypt.GenerateKey()
	port := freePort(t)
	environ := []string{
		"DATABASE_URL=" + dbURL,
		"PORT=" + port,
		"SECRET_KEY=" + strings.Repeat("k", 40),
		"ENCRYPTION_KEY=" + key,
		"SPOTIFY_CLIENT_ID=image-test",
		"SPOTIFY_REDIRECT_URI=http://127.0.0.1:" + port + "/callback",
		"TMPDIR=" + readOnly,
	}
	command := func(ctx context.Context, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env, cmd.Dir = environ, readOnly
		if os.Getuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: imageUID, Gid: imageUID}}
		}
		return cmd
	}
	if b, err := command(context.Background(), "migrate", "up").CombinedOutput(); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, b)
	}

	serve := command(context.Background(), "serve")
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		_ = serve.Process.Signal(syscall.SIGTERM)
		return serve.Wait()
	}
	logs, err := serve.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	var logLines []string
	logsDone := make(chan struct{})
	go func() {
		defer close(logsDone)
		for s := bufio.NewScanner(logs); s.Scan(); {
			logLines = append(logLines, s.Text())
		}
	}()
	defer func() { _ = stop() }()

	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := command(context.Background(), "healthcheck").CombinedOutput()
		if err == nil && strings.TrimSpace(string(out)) == "healthy" {
			break
		}
		if time.Now().After(deadline) {
			_ = stop()
			<-logsDone
			t.Fatalf("healthcheck never passed (last: %v %s); serve said:\n%s", err, out, strings.Join(logLines, "\n"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	res, err := http.Get("http://127.0.0.1:" + port + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the landing page answered %d", res.StatusCode)
	}

	if err := stop(); err != nil {
		t.Errorf("serve on SIGTERM: %v", err)
	}
	<-logsDone
	for _, l := range logLines {
		if strings.Contains(l, "level=ERROR") || strings.Contains(l, `"level":"ERROR"`) {
			t.Errorf("serve logged an error: %s", l)
		}
	}
	if out, err := command(context.Background(), "healthcheck").CombinedOutput(); err == nil {
		t.Errorf("healthcheck with the server stopped passed: %s", out)
	}
}

// compose.yaml as the README's two commands use it: the database on a named
// volume, the migrations once before the server and the optional worker,
// the health check the image's, every setting serve needs in .env.example,
// and every command one the binary knows.
func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile("../../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type service struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Command     []string          `yaml:"command"`
		EnvFile     any               `yaml:"env_file"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Restart     string            `yaml:"restart"`
		ReadOnly    bool              `yaml:"read_only"`
		Profiles    []string          `yaml:"profiles"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	}
	var c struct {
		Services map[string]service `yaml:"services"`
		Volumes  map[string]any     `yaml:"volumes"`
	}
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	db, migrate, serve, worker := c.Services["db"], c.Services["migrate"], c.Services["euterpe"], c.Services["worker"]
	if !strings.HasPrefix(db.Image, "postgres:") || len(db.Volumes) != 1 || !strings.HasSuffix(db.Volumes[0], ":/var/lib/postgresql/data") {
		t.Errorf("the database service: %+v", db)
	} else if _, ok := c.Volumes[strings.Split(db.Volumes[0], ":")[0]]; !ok {
		t.Errorf("the database's volume %q is not a named volume", db.Volumes[0])
	}
	if !slices.Equal(migrate.Command, []string{"migrate", "up"}) || migrate.Restart != "no" || migrate.DependsOn["db"].Condition != "service_healthy" {
		t.Errorf("the migrations: %+v", migrate)
	}
	if !slices.Equal(serve.Command, []string{"serve"}) || serve.DependsOn["migrate"].Condition != "service_completed_successfully" ||
		!slices.Equal(serve.Healthcheck.Test, []string{"CMD", "/euterpe", "healthcheck"}) || serve.Restart != "unless-stopped" {
		t.Errorf("the server: %+v", serve)
	}
	if !slices.Equal(worker.Command, []string{"worker"}) || !slices.Equal(worker.Profiles, []string{"worker"}) ||
		worker.DependsOn["migrate"].Condition != "service_completed_successfully" {
		t.Errorf("the worker: %+v", worker)
	}
	for name, s := range map[string]service{"migrate": migrate, "euterpe": serve, "worker": worker} {
		if s.EnvFile != ".env" || !s.ReadOnly || !strings.Contains(s.Environment["DATABASE_URL"], "@db:5432/") {
			t.Errorf("%s: env_file %v, read-only %v, DATABASE_URL %q", name, s.EnvFile, s.ReadOnly, s.Environment["DATABASE_URL"])
		}
		if len(s.Command) == 0 || !strings.Contains(usage, "\n  "+s.Command[0]+" ") {
			t.Errorf("%s runs %q, which euterpe does not know", name, s.Command)
		}
	}

	example, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"POSTGRES_PASSWORD", "SECRET_KEY", "ENCRYPTION_KEY", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI"} {
		if !strings.Contains(string(example), "\n"+v+"=") {
			t.Errorf(".env.example does not set %s", v)
		}
	}
	dockerfile, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FROM scratch", fmt.Sprintf("USER %d:%d", imageUID, imageUID), `CMD ["/euterpe", "healthcheck"]`, "CGO_ENABLED=0", "GOARCH=$TARGETARCH"} {
		if !strings.Contains(string(dockerfile), want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}
}

func TestHealthURL(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "http://127.0.0.1:8080/health"},
		{nil, map[string]string{"PORT": "5000"}, "http://127.0.0.1:5000/health"},
		{nil, map[string]string{"BASE_URL": "https://home.example/euterpe/"}, "http://127.0.0.1:8080/euterpe/health"},
		{[]string{"--url", "http://10.0.0.2:8080/health"}, nil, "http://10.0.0.2:8080/health"},
	} {
		if got, err := healthURL(c.args, mapEnv(c.env)); err != nil || got != c.want {
			t.Errorf("healthURL(%q, %v) = %q, %v; want %q", c.args, c.env, got, err, c.want)
		}
	}
	for _, c := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"--url"}, nil},
		{[]string{"--url", "ftp://x/health"}, nil},
		{[]string{"extra"}, nil},
		{nil, map[string]string{"PORT": "http"}},
	} {
		if _, err := healthURL(c.args, mapEnv(c.env)); err == nil {
			t.Errorf("healthURL(%q, %v) accepted", c.args, c.env)
		}
	}
}
