package train

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dlc-go/denoising/internal/repo"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

type keySettings struct {
	Hidden  int
	Sigma   float64
	Noise   string
	Tied    bool
	Sizes   []int
	Seed    int64
	Extra   map[string]float64
	Verbose bool `json:"-"` // deliberately not part of the key
}

func baseSettings() keySettings {
	return keySettings{Hidden: 64, Sigma: 0.3, Noise: "gaussian", Tied: true,
		Sizes: []int{784, 64}, Seed: 1, Extra: map[string]float64{"a": 1, "b": 2}}
}

func mustKey(t *testing.T, name, version string, s any) string {
	t.Helper()
	k, err := CacheKey(name, version, s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestCacheKey(t *testing.T) {
	t.Setenv(EnvBudget, "full")
	base := mustKey(t, "dae/gaussian", "v1", baseSettings())
	if !regexp.MustCompile(`^dae_gaussian-full-[0-9a-f]{16}$`).MatchString(base) {
		t.Errorf("key %q does not read <name>-<budget>-<16 hex>", base)
	}
	// Stable: same settings, a fresh value, a pointer, map built in another order.
	s := baseSettings()
	s.Extra = map[string]float64{"b": 2, "a": 1}
	for _, again := range []any{baseSettings(), s, &s} {
		if k := mustKey(t, "dae/gaussian", "v1", again); k != base {
			t.Errorf("key changed for equal settings: %q vs %q", k, base)
		}
	}
	// Field order does not matter (canonical JSON sorts keys).
	type ab struct{ A, B int }
	type ba struct{ B, A int }
	if mustKey(t, "x", "v", ab{1, 2}) != mustKey(t, "x", "v", ba{2, 1}) {
		t.Errorf("field order changed the key")
	}
	// Sensitive to every exported field: perturb each in turn.
	rt := reflect.TypeOf(keySettings{})
	for i := range rt.NumField() {
		f := rt.Field(i)
		s := baseSettings()
		v := reflect.ValueOf(&s).Elem().Field(i)
		switch v.Kind() {
		case reflect.Int, reflect.Int64:
			v.SetInt(v.Int() + 1)
		case reflect.Float64:
			v.SetFloat(math.Nextafter(v.Float(), 1)) // one ulp
		case reflect.String:
			v.SetString(v.String() + "x")
		case reflect.Bool:
			v.SetBool(!v.Bool())
		case reflect.Slice:
			v.Set(reflect.ValueOf([]int{784, 65}))
		case reflect.Map:
			v.Set(reflect.ValueOf(map[string]float64{"a": 1, "b": 3}))
		default:
			t.Fatalf("field %s: kind %s not perturbed", f.Name, v.Kind())
		}
		k := mustKey(t, "dae/gaussian", "v1", s)
		if f.Tag.Get("json") == "-" {
			if k != base {
				t.Errorf("field %s is tagged json:\"-\" but changed the key", f.Name)
			}
			continue
		}
		if k == base {
			t.Errorf("changing %s did not change the key", f.Name)
		}
	}
	// Sensitive to name, code version and budget.
	if mustKey(t, "dae/other", "v1", baseSettings()) == base {
		t.Errorf("name does not change the key")
	}
	if mustKey(t, "dae/gaussian", "v2", baseSettings()) == base {
		t.Errorf("code version does not change the key")
	}
	t.Setenv(EnvBudget, "quick")
	if k := mustKey(t, "dae/gaussian", "v1", baseSettings()); k == base || !strings.Contains(k, "-quick-") {
		t.Errorf("budget does not change the key: %q", k)
	}
	// Keys of long or odd names are valid cache keys.
	if err := checkKey(mustKey(t, strings.Repeat("long name/", 20), "v1", 1)); err != nil {
		t.Error(err)
	}
	// No ambiguity between parts: ("ab","c") vs ("a","bc").
	if mustKey(t, "ab", "c", 1) == mustKey(t, "a", "bc", 1) {
		t.Errorf("name/version boundary is ambiguous")
	}
	// Errors: unexported fields, unmarshalable values.
	type hidden struct {
		Visible int
		secret  int
	}
	if _, err := CacheKey("x", "v", hidden{1, 2}); err == nil || !strings.Contains(err.Error(), "secret") {
		t.Errorf("unexported field: err = %v", err)
	}
	if _, err := CacheKey("x", "v", struct{ F func() }{}); err == nil {
		t.Errorf("func field: no error")
	}
	if _, err := CacheKey("x", "v", math.NaN()); err == nil {
		t.Errorf("NaN setting: no error")
	}
}

func TestCacheDirAndRepoRoot(t *testing.T) {
	t.Setenv(EnvCache, "")
	t.Setenv(EnvRoot, "")
	// From the package directory the walk up finds this repository.
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if !repo.IsModuleRoot(root) {
		t.Errorf("RepoRoot() = %s has no go.mod of %s", root, ModulePath)
	}
	wd, _ := os.Getwd()
	if filepath.Join(root, "kit", "train") != wd {
		t.Errorf("RepoRoot() = %s, want the parent of %s", root, wd)
	}
	if d, err := CacheDir(); err != nil || d != filepath.Join(root, ".cache", "models") {
		t.Errorf("CacheDir() = %q, %v", d, err)
	}
	// $DENOISING_ROOT: must hold the module's go.mod.
	fake := t.TempDir()
	if err := os.WriteFile(filepath.Join(fake, "go.mod"), []byte("module "+ModulePath+"\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvRoot, fake)
	if d, err := CacheDir(); err != nil || d != filepath.Join(fake, ".cache", "models") {
		t.Errorf("with $%s: CacheDir() = %q, %v", EnvRoot, d, err)
	}
	t.Setenv(EnvRoot, t.TempDir())
	if _, err := RepoRoot(); err == nil {
		t.Errorf("$%s without go.mod: no error", EnvRoot)
	}
	// $DENOISING_CACHE wins.
	c := t.TempDir()
	t.Setenv(EnvCache, c)
	if d, err := CacheDir(); err != nil || d != c {
		t.Errorf("with $%s: CacheDir() = %q, %v", EnvCache, d, err)
	}
}

// cachedTrainer returns a trainFn for LoadOrTrain that trains store on the
// line problem and counts its calls.
func cachedTrainer(store *model.Store, calls *int, withEval bool) func() (*Result, error) {
	return func() (*Result, error) {
		*calls++
		cfg := lineConfig(60, 4)
		cfg.Store = store
		if withEval {
			cfg.EvalEvery = 25
			cfg.Eval = func(step int, _ *model.Store) (float64, error) { return 1 / float64(step), nil }
		}
		return Run(cfg)
	}
}

var probeX = []float32{-1, -0.5, 0, 0.25, 0.5, 1, 2}

func predictLine(t *testing.T, store *model.Store) []float32 {
	t.Helper()
	y, _, err := Predict(nil, store, linearModel, probeX, []int{len(probeX), 1}, 4)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

// TestLoadOrTrainRoundTrip: train and save; a new store loads it without
// calling trainFn, with identical predictions, loss history, evaluations,
// timings and trainable flags; a store that already holds (other) values
// for the variables gets them overwritten.
func TestLoadOrTrainRoundTrip(t *testing.T) {
	t.Setenv(EnvRetrain, "")
	dir := t.TempDir()
	key := mustKey(t, "line", "v1", baseSettings())
	calls := 0

	store1 := model.NewStore()
	res1, err := LoadOrTrain(dir, key, store1, cachedTrainer(store1, &calls, true))
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || res1.Cached || res1.Key != key {
		t.Fatalf("first call: calls=%d cached=%v key=%q", calls, res1.Cached, res1.Key)
	}
	want := predictLine(t, store1)

	for _, prefill := range []bool{false, true} {
		store2 := model.NewStore()
		if prefill {
			// Variables exist already, with a different (random) init.
			if err := store2.SetRNGStateFromSeed(12345); err != nil {
				t.Fatal(err)
			}
			if got := predictLine(t, store2); slices.Equal(got, want) {
				t.Fatal("prefilled store predicts like the trained one")
			}
		}
		res2, err := LoadOrTrain(dir, key, store2, cachedTrainer(store2, &calls, true))
		if err != nil {
			t.Fatal(err)
		}
		if calls != 1 {
			t.Fatalf("prefill=%v: trainFn called again (calls=%d)", prefill, calls)
		}
		if !res2.Cached || res2.Store != store2 || res2.Key != key {
			t.Errorf("prefill=%v: cached=%v store ok=%v key=%q", prefill, res2.Cached, res2.Store == store2, res2.Key)
		}
		if got := predictLine(t, store2); !slices.Equal(got, want) {
			t.Errorf("prefill=%v: predictions differ:\n got %v\nwant %v", prefill, got, want)
		}
		if !slices.Equal(res2.Loss, res1.Loss) || !slices.Equal(res2.Evals, res1.Evals) {
			t.Errorf("prefill=%v: loss history or evals not restored", prefill)
		}
		if len(res2.Evals) != 3 { // steps 25, 50 and 60
			t.Errorf("evals = %v", res2.Evals)
		}
		if d := res2.Wall - res1.Wall; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("wall %s vs %s", res2.Wall, res1.Wall)
		}
		if res2.Name != res1.Name || res2.Steps != res1.Steps || res2.Seed != res1.Seed ||
			res2.Backend != res1.Backend || res2.Budget != res1.Budget || res2.StepsPerSec != res1.StepsPerSec {
			t.Errorf("record differs: %+v vs %+v", res2, res1)
		}
		if v := store2.GetVariable("/" + optimizer.GlobalStepVariableName); v == nil || v.Trainable {
			t.Errorf("global_step missing or trainable after load")
		}
		if v := store2.GetVariable("/linear/w"); v == nil || !v.Trainable {
			t.Errorf("/linear/w missing or not trainable after load")
		}
		if store2.Loader() != nil {
			t.Errorf("checkpoint handler left attached to the store")
		}
	}
	assertNoLeftovers(t, dir, key)
}

// assertNoLeftovers checks that dir holds exactly the entry key.
func assertNoLeftovers(t *testing.T, dir, key string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{key}) {
		t.Errorf("cache dir holds %v, want only [%s]", names, key)
	}
}

func TestRunCachedAndRetrainEnv(t *testing.T) {
	t.Setenv(EnvRetrain, "")
	dir := t.TempDir()
	key := mustKey(t, "line", "v1", 1)
	var progress []Progress
	cfg := lineConfig(30, 2)
	cfg.Progress = func(p Progress) { progress = append(progress, p) }
	res, err := RunCached(dir, key, cfg)
	if err != nil || res.Cached || len(progress) != 30 {
		t.Fatalf("first RunCached: err=%v cached=%v progress calls=%d", err, res != nil && res.Cached, len(progress))
	}
	progress = nil
	res2, err := RunCached(dir, key, cfg)
	if err != nil || !res2.Cached {
		t.Fatalf("second RunCached: err=%v cached=%v", err, res2 != nil && res2.Cached)
	}
	if len(progress) != 1 || !progress[0].Done || progress[0].Step != 30 || progress[0].Loss != res.Loss[29] {
		t.Errorf("cached run progress: %+v", progress)
	}
	// DENOISING_RETRAIN=1 retrains and replaces the entry.
	t.Setenv(EnvRetrain, "1")
	calls := 0
	store := model.NewStore()
	res3, err := LoadOrTrain(dir, key, store, cachedTrainer(store, &calls, false))
	if err != nil || calls != 1 || res3.Cached {
		t.Fatalf("retrain: err=%v calls=%d", err, calls)
	}
	t.Setenv(EnvRetrain, "0")
	store4 := model.NewStore()
	res4, err := LoadOrTrain(dir, key, store4, cachedTrainer(store4, &calls, false))
	if err != nil || calls != 1 || !res4.Cached || res4.Steps != 60 {
		t.Fatalf("after retrain: err=%v calls=%d cached=%v steps=%d (want the retrained 60-step run)",
			err, calls, res4 != nil && res4.Cached, res4.Steps)
	}
	assertNoLeftovers(t, dir, key)
}

// TestLoadOrTrainCorrupt: every kind of damaged entry is reported with a
// warning and retrained (no panic), and the entry is healthy afterwards.
func TestLoadOrTrainCorrupt(t *testing.T) {
	t.Setenv(EnvRetrain, "")
	warnings := captureWarnings(t)
	damage := map[string]func(t *testing.T, entry string){
		"truncated bin": func(t *testing.T, entry string) {
			f := glob1(t, entry, "checkpoint-*.bin")
			st, _ := os.Stat(f)
			if err := os.Truncate(f, st.Size()/2); err != nil {
				t.Fatal(err)
			}
		},
		"garbage bin": func(t *testing.T, entry string) {
			writeFile(t, glob1(t, entry, "checkpoint-*.bin"), "gomlx_checkpointss\x04gzipnot gzip at all")
		},
		"garbage checkpoint json": func(t *testing.T, entry string) {
			writeFile(t, glob1(t, entry, "checkpoint-*.json"), `{"Variables": [{"ParameterName": "var:/x", "Dimensions": [-5]`)
		},
		"negative dims": func(t *testing.T, entry string) {
			writeFile(t, glob1(t, entry, "checkpoint-*.json"),
				`{"Variables": [{"ParameterName": "var:/linear/w", "Dimensions": [-5, 3], "DType": "Float32", "Pos": 0, "Length": 4}]}`)
		},
		"garbage meta": func(t *testing.T, entry string) {
			writeFile(t, filepath.Join(entry, metaFile), "{not json")
		},
		"meta missing": func(t *testing.T, entry string) {
			if err := os.Remove(filepath.Join(entry, metaFile)); err != nil {
				t.Fatal(err)
			}
		},
		"checkpoint missing": func(t *testing.T, entry string) {
			for _, f := range []string{glob1(t, entry, "checkpoint-*.json"), glob1(t, entry, "checkpoint-*.bin")} {
				if err := os.Remove(f); err != nil {
					t.Fatal(err)
				}
			}
		},
		"empty dir": func(t *testing.T, entry string) {
			if err := os.RemoveAll(entry); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(entry, 0o755); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			key := mustKey(t, "line", "v1", name)
			calls := 0
			s1 := model.NewStore()
			if _, err := LoadOrTrain(dir, key, s1, cachedTrainer(s1, &calls, false)); err != nil {
				t.Fatal(err)
			}
			want := predictLine(t, s1)
			fn(t, filepath.Join(dir, key))
			n := len(warnings())
			s2 := model.NewStore()
			res, err := LoadOrTrain(dir, key, s2, cachedTrainer(s2, &calls, false))
			if err != nil {
				t.Fatalf("damaged entry: %v", err)
			}
			if calls != 2 || res.Cached {
				t.Errorf("damaged entry was not retrained: calls=%d cached=%v", calls, res.Cached)
			}
			if len(warnings()) != n+1 {
				t.Errorf("want one warning, got %v", warnings()[n:])
			} else {
				t.Logf("warning: %s", warnings()[n])
			}
			if got := predictLine(t, s2); !slices.Equal(got, want) { // same seed, same data
				t.Errorf("retrained model differs from the first training")
			}
			s3 := model.NewStore()
			if res, err := LoadOrTrain(dir, key, s3, cachedTrainer(s3, &calls, false)); err != nil || !res.Cached || calls != 2 {
				t.Errorf("entry not healthy after retraining: err=%v calls=%d", err, calls)
			}
			assertNoLeftovers(t, dir, key)
		})
	}
}

// TestLoadOrTrainStaleTemp: a temporary directory left by a crash mid-save
// is not taken for an entry.
func TestLoadOrTrainStaleTemp(t *testing.T) {
	t.Setenv(EnvRetrain, "")
	dir := t.TempDir()
	key := mustKey(t, "line", "v1", "stale")
	stale := filepath.Join(dir, tmpPrefix+key+"-123")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(stale, "checkpoint-n0000000-x.json"), "{")
	calls := 0
	s := model.NewStore()
	res, err := LoadOrTrain(dir, key, s, cachedTrainer(s, &calls, false))
	if err != nil || calls != 1 || res.Cached {
		t.Fatalf("err=%v calls=%d", err, calls)
	}
	if _, err := os.Stat(filepath.Join(dir, key, metaFile)); err != nil {
		t.Errorf("entry not written: %v", err)
	}
	// A save removes this key's temporaries older than an hour, not younger ones.
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	young := filepath.Join(dir, tmpPrefix+key+"-456")
	if err := os.Mkdir(young, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvRetrain, "1")
	if _, err := LoadOrTrain(dir, key, s, cachedTrainer(s, &calls, false)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("stale temporary %s not removed", stale)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("young temporary removed: %v", err)
	}
}

func TestLoadOrTrainErrors(t *testing.T) {
	dir := t.TempDir()
	s := model.NewStore()
	calls := 0
	for _, key := range []string{"", ".", "..", "a/b", ".hidden", "a*b", "a b", strings.Repeat("k", 129)} {
		if _, err := LoadOrTrain(dir, key, s, cachedTrainer(s, &calls, false)); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
	if _, err := LoadOrTrain(dir, "k", nil, cachedTrainer(s, &calls, false)); err == nil {
		t.Errorf("nil store accepted")
	}
	other := model.NewStore()
	if _, err := LoadOrTrain(dir, "k", s, cachedTrainer(other, &calls, false)); err == nil ||
		!strings.Contains(err.Error(), "different store") {
		t.Errorf("training another store: err = %v", err)
	}
	if calls != 1 {
		t.Errorf("trainFn called %d times, want 1", calls)
	}
	// A cached variable whose shape clashes with one already in the store.
	key := "clash"
	s1 := model.NewStore()
	if _, err := LoadOrTrain(dir, key, s1, cachedTrainer(s1, &calls, false)); err != nil {
		t.Fatal(err)
	}
	s2 := model.NewStore()
	if _, err := s2.CreateVariable("/linear/w", tensorsOf([]float32{1, 2}, 2)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrTrain(dir, key, s2, cachedTrainer(s2, &calls, false)); err == nil ||
		!strings.Contains(err.Error(), "/linear/w") {
		t.Errorf("shape clash: err = %v", err)
	}
}

// TestMetaNaN: a diverged run (NaN/Inf losses) is cached and restored.
func TestMetaNaN(t *testing.T) {
	dir := t.TempDir()
	s := model.NewStore()
	losses := []float64{1.5, math.NaN(), math.Inf(1), math.Inf(-1), 1e-300}
	trainFn := func() (*Result, error) {
		res, err := Run(Config{Name: "nan", Store: s, Model: linearModel, Loss: lineConfig(1, 0).Loss,
			Batches: lineBatches(4), Steps: 1})
		if err != nil {
			return nil, err
		}
		res.Loss, res.Steps = losses, len(losses)
		return res, nil
	}
	if _, err := LoadOrTrain(dir, "nan", s, trainFn); err != nil {
		t.Fatal(err)
	}
	s2 := model.NewStore()
	res, err := LoadOrTrain(dir, "nan", s2, func() (*Result, error) { t.Fatal("retrained"); return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Loss) != len(losses) {
		t.Fatalf("loss = %v", res.Loss)
	}
	for i, v := range res.Loss {
		if !(v == losses[i] || math.IsNaN(v) && math.IsNaN(losses[i])) {
			t.Errorf("loss[%d] = %v, want %v", i, v, losses[i])
		}
	}
}

func glob1(t *testing.T, dir, pattern string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(m) != 1 {
		t.Fatalf("glob %s in %s: %v %v", pattern, dir, m, err)
	}
	return m[0]
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
