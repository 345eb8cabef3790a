// Caching MNIST evaluations: scoring a trained denoiser on all 10000 test
// digits takes minutes on a CPU backend, so notebooks keep the scores of a
// cached model beside its checkpoint.

package dae

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/train"
)

// mnistEvalCacheDir is the sub-folder of kit/train's cache directory that
// holds cached evaluations.
const mnistEvalCacheDir = "dae-mnist-eval"

// mnistEvalFile is the JSON form of an [MNISTEval]: the masked PSNRs are
// pointers because encoding/json cannot write NaN (nil = NaN).
type mnistEvalFile struct {
	Corruption                              string
	N                                       int
	CorruptedPSNR, DenoisedPSNR             float64
	CorruptedMaskedPSNR, DenoisedMaskedPSNR *float64
	Examples                                MNISTExamples
}

// nanPtr returns nil for NaN, else &v.
func nanPtr(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

// ptrNaN returns NaN for nil, else *p.
func ptrNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// MNISTEvalCachePath is the file where [LoadOrEvaluateMNIST] keeps the
// evaluation of the model cached under key (r.Train.Key) with corruption c,
// seed and n digits: <dir>/dae-mnist-eval/<key>-<c.Name()>-s<seed>-n<n>.json,
// dir "" meaning kit/train's [train.CacheDir].
func MNISTEvalCachePath(dir, key string, c Corruption, seed uint64, n int) (string, error) {
	if key == "" || c == nil {
		return "", errors.New("dae: MNISTEvalCachePath: empty key or nil corruption")
	}
	if dir == "" {
		var err error
		if dir, err = train.CacheDir(); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, mnistEvalCacheDir, fmt.Sprintf("%s-%s-s%d-n%d.json", key, c.Name(), seed, n)), nil
}

// LoadOrEvaluateMNIST is [EvaluateMNIST] with a cache: when r's model came
// from kit/train's checkpoint cache (r.Train.Key is set), the evaluation is
// read from, or written to, [MNISTEvalCachePath] under dir ("" = kit/train's
// cache directory). Without a key, or when $DENOISING_RETRAIN is set, it
// evaluates afresh (and, with a key, rewrites the file). An unreadable file
// is ignored (re-evaluated); a failure to write it is only reported through
// train.Warnf. c nil means the corruption r was trained with.
func LoadOrEvaluateMNIST(dir string, r *MNISTResult, test *data.Set, c Corruption, seed uint64, n int) (*MNISTEval, error) {
	if r == nil || r.Train == nil {
		return nil, errors.New("dae: LoadOrEvaluateMNIST: nil result")
	}
	if c == nil {
		c = r.Config.Corruption
	}
	if r.Train.Key == "" || c == nil {
		return EvaluateMNIST(r, test, c, seed, n)
	}
	path, err := MNISTEvalCachePath(dir, r.Train.Key, c, seed, n)
	if err != nil {
		return nil, err
	}
	if !train.Retrain() {
		if b, err := os.ReadFile(path); err == nil {
			var f mnistEvalFile
			if json.Unmarshal(b, &f) == nil && f.N == n && f.Corruption == c.Name() {
				return &MNISTEval{
					Corruption: f.Corruption, N: f.N,
					CorruptedPSNR: f.CorruptedPSNR, DenoisedPSNR: f.DenoisedPSNR,
					CorruptedMaskedPSNR: ptrNaN(f.CorruptedMaskedPSNR), DenoisedMaskedPSNR: ptrNaN(f.DenoisedMaskedPSNR),
					Examples: f.Examples,
				}, nil
			}
		}
	}
	ev, err := EvaluateMNIST(r, test, c, seed, n)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(mnistEvalFile{
		Corruption: ev.Corruption, N: ev.N,
		CorruptedPSNR: ev.CorruptedPSNR, DenoisedPSNR: ev.DenoisedPSNR,
		CorruptedMaskedPSNR: nanPtr(ev.CorruptedMaskedPSNR), DenoisedMaskedPSNR: nanPtr(ev.DenoisedMaskedPSNR),
		Examples: ev.Examples,
	})
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			tmp := path + ".tmp"
			if err = os.WriteFile(tmp, b, 0o644); err == nil {
				err = os.Rename(tmp, path)
			}
		}
	}
	if err != nil {
		train.Warnf("could not cache the MNIST evaluation under %s: %v", path, err)
	}
	return ev, nil
}
