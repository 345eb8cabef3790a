package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dlc-go/denoising/internal/repo"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
)

// ModulePath is this repository's Go module; [RepoRoot] looks for its go.mod.
const ModulePath = repo.ModulePath

// RepoRoot returns the repository root: $DENOISING_ROOT if set (it must hold
// the go.mod of [ModulePath]), else the first directory holding that go.mod
// found walking up from the working directory, else walking up from this
// module's source directory (which is how a GoNB notebook, running in a
// temporary directory with a `replace` to the repository, finds it).
func RepoRoot() (string, error) {
	r, err := repo.Root(EnvCache)
	if err != nil {
		return "", fmt.Errorf("train: %w", err)
	}
	return r, nil
}

// FindModuleRoot walks up from dir (made absolute) to the directory whose
// go.mod declares ModulePath, the root of this repository.
func FindModuleRoot(dir string) (string, bool) { return repo.FindModuleRoot(dir) }

// CacheDir returns the checkpoint cache directory: $DENOISING_CACHE if set,
// else <repo root>/.cache/models (see [RepoRoot]). It does not create it.
func CacheDir() (string, error) {
	if d := strings.TrimSpace(os.Getenv(EnvCache)); d != "" {
		return filepath.Abs(d)
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ".cache", "models"), nil
}

// Retrain reports whether $DENOISING_RETRAIN asks to ignore cached
// checkpoints (1, true, yes or on, case-insensitive).
func Retrain() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(EnvRetrain))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// CacheKey names a trained model by everything that determines it: the run
// name, a code version the caller bumps when the model or training code
// changes (e.g. "dae-v2"), the current [Budget], and settings, any value
// encoding/json can marshal (typically the section's settings struct: sizes,
// noise level, learning rate, steps, seed, ...).
//
// The settings are hashed as canonical JSON (object keys sorted, so field
// order does not matter; numbers kept verbatim). Only what JSON sees
// counts, so an unexported struct field is an error (it would silently not
// change the key); a field tagged `json:"-"` is deliberately left out.
//
// The key reads `<name>-<budget>-<16 hex digits>`, e.g.
// "dae_gaussian-full-3f2a9c0d41b7e655" (characters other than letters,
// digits, '.', '_' and '-' in name become '_').
func CacheKey(name, codeVersion string, settings any) (string, error) {
	if err := checkExported(reflect.TypeOf(settings), "settings", map[reflect.Type]bool{}); err != nil {
		return "", fmt.Errorf("train: CacheKey(%q): %w", name, err)
	}
	canon, err := canonicalJSON(settings)
	if err != nil {
		return "", fmt.Errorf("train: CacheKey(%q): settings: %w", name, err)
	}
	budget := CurrentBudget()
	h := sha256.New()
	for _, part := range [][]byte{[]byte(name), []byte(codeVersion), []byte(budget), canon} {
		fmt.Fprintf(h, "%d:", len(part)) // length-prefixed: no ambiguity between parts
		h.Write(part)
	}
	return fmt.Sprintf("%s-%s-%s", sanitizeName(name), budget, hex.EncodeToString(h.Sum(nil))[:16]), nil
}

// canonicalJSON marshals v, then re-marshals it through a generic value so
// that object keys are sorted; json.Number keeps numbers verbatim.
func canonicalJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	return json.Marshal(generic)
}

// checkExported returns an error for unexported struct fields reachable
// from t (they are invisible to encoding/json).
func checkExported(t reflect.Type, path string, seen map[reflect.Type]bool) error {
	if t == nil || seen[t] {
		return nil
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return checkExported(t.Elem(), path+"[]", seen)
	case reflect.Struct:
		if t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType) {
			return nil // e.g. time.Time: marshals itself
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Tag.Get("json") == "-" {
				continue // deliberately left out
			}
			if !f.IsExported() && !f.Anonymous {
				return fmt.Errorf("field %s.%s is unexported: JSON ignores it, so it would not change the key "+
					"(export it, or tag it `json:\"-\"` to leave it out on purpose)", path, f.Name)
			}
			if err := checkExported(f.Type, path+"."+f.Name, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

var jsonMarshalerType = reflect.TypeFor[json.Marshaler]()

func sanitizeName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	s := strings.TrimLeft(string(b), ".")
	if len(s) > 64 {
		s = s[:64]
	}
	if s == "" {
		s = "model"
	}
	return s
}

// Files in a cache entry <dir>/<key>/: GoMLX checkpoint files
// (checkpoint-*.json and .bin) and metaFile.
const (
	metaFile    = "meta.json"
	metaFormat  = 1
	tmpPrefix   = ".tmp-"
	oldInfix    = ".old-"
	ckptVarsKey = "var:" // prefix of variable keys in GoMLX checkpoint.Handler.LoadedVariables
)

// cacheMeta is meta.json: the run's record, so a notebook that loads a
// cached model can still plot its loss curve and state its training time.
type cacheMeta struct {
	Format      int        `json:"format"`
	Key         string     `json:"key"`
	Saved       time.Time  `json:"saved"`
	Name        string     `json:"name"`
	Budget      Budget     `json:"budget"`
	Seed        int64      `json:"seed"`
	Steps       int        `json:"steps"`
	WallSec     jsonFloat  `json:"wall_seconds"`
	FirstSec    jsonFloat  `json:"first_step_seconds"`
	StepsPerSec jsonFloat  `json:"steps_per_second"`
	Backend     string     `json:"backend"`
	Loss        jsonFloats `json:"loss"`
	EvalSteps   []int      `json:"eval_steps,omitempty"`
	EvalValues  jsonFloats `json:"eval_values,omitempty"`
	Variables   []varMeta  `json:"variables"`
}

type varMeta struct {
	Path      string `json:"path"`
	DType     string `json:"dtype"`
	Dims      []int  `json:"dims"`
	Trainable bool   `json:"trainable"`
}

// jsonFloat encodes NaN and ±Inf (which encoding/json rejects) as strings.
type jsonFloat float64

type jsonFloats []jsonFloat

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	s := string(b)
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("bad number %s", b)
	}
	*f = jsonFloat(v)
	return nil
}

func toJSONFloats(xs []float64) jsonFloats {
	out := make(jsonFloats, len(xs))
	for i, x := range xs {
		out[i] = jsonFloat(x)
	}
	return out
}

func (xs jsonFloats) floats() []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// checkKey accepts plain directory names of at most 128 letters, digits,
// '.', '_' and '-', not starting with '.'.
func checkKey(key string) error {
	ok := key != "" && len(key) <= 128 && key[0] != '.'
	for _, c := range []byte(key) {
		ok = ok && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')
	}
	if !ok {
		return fmt.Errorf("train: invalid cache key %q (want at most 128 letters, digits, '.', '_', '-', "+
			"not starting with '.'; see CacheKey)", key)
	}
	return nil
}

// LoadOrTrain makes store hold the model cached under key, training it if
// needed:
//
//   - if <dir>/<key> holds a complete checkpoint (and $DENOISING_RETRAIN is
//     not set), its variables are loaded into store (replacing values of
//     variables store already has, creating the others) and trainFn is not
//     called; the Result is the original run's record (loss history,
//     timings) with Cached = true;
//   - otherwise trainFn is called; it must train store itself (e.g. Run with
//     Config.Store = store). The variables of store and the Result are then
//     saved under <dir>/<key> atomically: written to a temporary directory
//     beside it, then renamed, so a crash leaves no half-written entry.
//
// dir "" means [CacheDir]. A checkpoint that cannot be read (corrupt,
// truncated, from another format) is reported through [Warnf] and retrained;
// an error is returned only if the failure came after store was partly
// overwritten (then delete the entry or set DENOISING_RETRAIN=1) or if the
// cached variables clash with the shapes of variables already in store. A
// failure to save the new checkpoint is only a warning: the trained store
// is returned.
func LoadOrTrain(dir, key string, store *model.Store, trainFn func() (*Result, error)) (*Result, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if store == nil {
		return nil, errors.New("train: LoadOrTrain: store is nil")
	}
	if trainFn == nil {
		return nil, errors.New("train: LoadOrTrain: trainFn is nil")
	}
	if dir == "" {
		var err error
		if dir, err = CacheDir(); err != nil {
			return nil, err
		}
	}
	entry := filepath.Join(dir, key)
	if !Retrain() {
		_, statErr := os.Stat(entry)
		switch {
		case statErr == nil:
			res, touched, err := loadEntry(entry, key, store)
			if err == nil {
				return res, nil
			}
			if touched {
				return nil, fmt.Errorf("train: loading cached model %s failed after the store was modified: %w "+
					"(delete that directory or set %s=1 to retrain)", entry, err, EnvRetrain)
			}
			var clash *clashError
			if errors.As(err, &clash) {
				return nil, fmt.Errorf("train: cached model %s: %w", entry, err)
			}
			Warnf("cached model %s is unreadable, retraining: %v", entry, err)
		case !errors.Is(statErr, fs.ErrNotExist):
			return nil, fmt.Errorf("train: cache entry: %w", statErr)
		}
	}

	res, err := trainFn()
	if err != nil {
		return nil, err
	}
	if res == nil {
		return nil, errors.New("train: LoadOrTrain: trainFn returned a nil Result and no error")
	}
	if res.Store != nil && res.Store != store {
		return nil, errors.New("train: LoadOrTrain: trainFn trained a different store than the one given (set Config.Store)")
	}
	if store.NumVariables() == 0 {
		return nil, errors.New("train: LoadOrTrain: the store has no variables after trainFn: it must train the store given")
	}
	res.Key, res.Store, res.Cached = key, store, false
	if err := saveEntry(dir, key, store, res); err != nil {
		Warnf("could not cache the trained model under %s: %v", entry, err)
	}
	return res, nil
}

// RunCached is [LoadOrTrain] around [Run]: it trains cfg (creating
// cfg.Store if nil) unless the model cached under key exists. When it is
// loaded from the cache, cfg.Progress (if set) is called once with the
// recorded final step, loss and time, and Done = true.
func RunCached(dir, key string, cfg Config) (*Result, error) {
	if cfg.Store == nil {
		cfg.Store = model.NewStore()
	}
	res, err := LoadOrTrain(dir, key, cfg.Store, func() (*Result, error) { return Run(cfg) })
	if err != nil {
		return nil, err
	}
	if res.Cached && cfg.Progress != nil && len(res.Loss) > 0 {
		cfg.Progress(Progress{Name: res.Name, Step: res.Steps, Steps: res.Steps,
			Loss: res.Loss[len(res.Loss)-1], Elapsed: res.Wall, Done: true})
	}
	return res, nil
}

// clashError: cached variables disagree with variables already in the store.
type clashError struct{ msg string }

func (e *clashError) Error() string { return e.msg }

// loadEntry loads the cache entry into store. touched reports whether store
// may have been modified before the error.
func loadEntry(entry, key string, store *model.Store) (res *Result, touched bool, err error) {
	raw, err := os.ReadFile(filepath.Join(entry, metaFile))
	if err != nil {
		return nil, false, err
	}
	var meta cacheMeta
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, false, fmt.Errorf("%s: %w", metaFile, err)
	}
	switch {
	case meta.Format != metaFormat:
		return nil, false, fmt.Errorf("%s: format %d, want %d", metaFile, meta.Format, metaFormat)
	case meta.Key != key:
		return nil, false, fmt.Errorf("%s: key %q, want %q", metaFile, meta.Key, key)
	case len(meta.Loss) != meta.Steps:
		return nil, false, fmt.Errorf("%s: %d losses for %d steps", metaFile, len(meta.Loss), meta.Steps)
	case len(meta.EvalSteps) != len(meta.EvalValues):
		return nil, false, fmt.Errorf("%s: %d eval steps but %d values", metaFile, len(meta.EvalSteps), len(meta.EvalValues))
	case len(meta.Variables) == 0:
		return nil, false, fmt.Errorf("%s: no variables", metaFile)
	}
	// Variables already in the store must have the cached shapes.
	for _, vm := range meta.Variables {
		if v := store.GetVariable(vm.Path); v != nil {
			if sh := v.Shape(); sh.DType.String() != vm.DType || !slices.Equal(sh.Dimensions, vm.Dims) {
				return nil, false, &clashError{fmt.Sprintf("variable %s is %s in the store but %s%v in the cache",
					vm.Path, sh, vm.DType, vm.Dims)}
			}
		}
	}

	prevLoader := store.Loader()
	defer func() {
		store.SetLoader(prevLoader)
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("panic while loading the checkpoint: %v", r)
		}
	}()
	// GoMLX's checkpoint.Handler: on success it overwrites the store's
	// existing variables and serves the others lazily as the store asks for
	// them; we ask for all now, then detach it. Its Immediate() mode is
	// avoided: it does not overwrite variables the store already has.
	h, err := checkpoint.Load(store).Dir(entry).ExcludeAllParams().Done()
	if err != nil {
		return nil, false, err
	}
	touched = true
	var pending []string
	for k := range h.LoadedVariables() {
		pending = append(pending, k)
	}
	for _, k := range pending {
		path, ok := strings.CutPrefix(k, ckptVarsKey)
		if !ok {
			return nil, true, fmt.Errorf("unexpected checkpoint entry %q", k)
		}
		store.GetVariable(path) // pulls it from the handler into the store
	}
	store.SetLoader(prevLoader)
	for _, vm := range meta.Variables {
		v := store.GetVariable(vm.Path)
		if v == nil || !v.HasValue() {
			return nil, true, fmt.Errorf("variable %s listed in %s is missing from the checkpoint", vm.Path, metaFile)
		}
		if sh := v.Shape(); sh.DType.String() != vm.DType || !slices.Equal(sh.Dimensions, vm.Dims) {
			return nil, true, fmt.Errorf("variable %s is %s in the checkpoint but %s%v in %s", vm.Path, sh, vm.DType, vm.Dims, metaFile)
		}
		v.SetTrainable(vm.Trainable)
	}

	res = &Result{
		Name: meta.Name, Key: key, Budget: meta.Budget, Seed: meta.Seed, Steps: meta.Steps,
		Loss:        meta.Loss.floats(),
		Wall:        time.Duration(float64(meta.WallSec) * float64(time.Second)),
		FirstStep:   time.Duration(float64(meta.FirstSec) * float64(time.Second)),
		StepsPerSec: float64(meta.StepsPerSec), Backend: meta.Backend,
		Cached: true, Store: store,
	}
	for i, s := range meta.EvalSteps {
		res.Evals = append(res.Evals, EvalPoint{Step: s, Value: float64(meta.EvalValues[i])})
	}
	return res, false, nil
}

// saveEntry writes store's variables (GoMLX checkpoint format) and the
// run's record to <dir>/<key> atomically (temporary directory + rename).
func saveEntry(dir, key string, store *model.Store, res *Result) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	removeStaleTemps(dir, key)
	tmp, err := os.MkdirTemp(dir, tmpPrefix+key+"-")
	if err != nil {
		return err
	}
	renamed := false
	defer func() {
		if !renamed {
			_ = os.RemoveAll(tmp)
		}
	}()

	if err := saveCheckpoint(tmp, store); err != nil {
		return err
	}
	meta := cacheMeta{
		Format: metaFormat, Key: key, Saved: time.Now().UTC().Truncate(time.Second),
		Name: res.Name, Budget: res.Budget, Seed: res.Seed, Steps: res.Steps,
		WallSec: jsonFloat(res.Wall.Seconds()), FirstSec: jsonFloat(res.FirstStep.Seconds()),
		StepsPerSec: jsonFloat(res.StepsPerSec), Backend: res.Backend,
		Loss: toJSONFloats(res.Loss),
	}
	if len(res.Loss) != res.Steps {
		return fmt.Errorf("result has %d losses for %d steps", len(res.Loss), res.Steps)
	}
	for _, e := range res.Evals {
		meta.EvalSteps = append(meta.EvalSteps, e.Step)
		meta.EvalValues = append(meta.EvalValues, jsonFloat(e.Value))
	}
	for v := range store.IterVariables() {
		sh := v.Shape()
		meta.Variables = append(meta.Variables, varMeta{Path: v.Path(), DType: sh.DType.String(),
			Dims: slices.Clone(sh.Dimensions), Trainable: v.Trainable})
	}
	raw, err := json.MarshalIndent(&meta, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, metaFile), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	if err := syncDir(tmp, true); err != nil {
		return err
	}

	final := filepath.Join(dir, key)
	if _, err := os.Stat(final); err == nil {
		// Replace an existing entry (retraining): move it aside first, since
		// a directory cannot be renamed over a non-empty one.
		old, err := os.MkdirTemp(dir, key+oldInfix)
		if err != nil {
			return err
		}
		_ = os.Remove(old)
		if err := os.Rename(final, old); err != nil {
			return err
		}
		if err := os.Rename(tmp, final); err != nil {
			_ = os.Rename(old, final)
			return err
		}
		renamed = true
		_ = os.RemoveAll(old)
	} else {
		if err := os.Rename(tmp, final); err != nil {
			if _, statErr := os.Stat(final); statErr == nil {
				return nil // another process saved the same key meanwhile; keep theirs
			}
			return err
		}
		renamed = true
	}
	return syncDir(dir, false)
}

// removeStaleTemps deletes temporary directories of key older than an hour
// (left by a process killed while saving; younger ones may be in use).
func removeStaleTemps(dir, key string) {
	matches, _ := filepath.Glob(filepath.Join(dir, tmpPrefix+key+"-*"))
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.IsDir() && time.Since(st.ModTime()) > time.Hour {
			_ = os.RemoveAll(m)
		}
	}
}

// saveCheckpoint writes store's variables with GoMLX's checkpoint package
// into the (empty) directory dir, without the store's hyperparameters.
func saveCheckpoint(dir string, store *model.Store) (err error) {
	prevLoader := store.Loader()
	defer func() {
		store.SetLoader(prevLoader) // the handler attaches itself as the store's loader
		if r := recover(); r != nil {
			err = fmt.Errorf("saving checkpoint: %v", r)
		}
	}()
	h, err := checkpoint.Build(store).Dir(dir).ExcludeAllParams().Done()
	if err != nil {
		return err
	}
	return h.Save()
}

// syncDir flushes dir (and, if files, the regular files in it) to disk.
func syncDir(dir string, files bool) error {
	if files {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			if err := syncPath(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return syncPath(dir)
}

func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
