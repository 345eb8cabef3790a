package train

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/dlc-go/denoising/internal/repo"
)

// Environment variables read by this package.
const (
	// EnvBudget selects the compute budget: "quick" or "full" (default "full").
	EnvBudget = "DENOISING_BUDGET"
	// EnvCache overrides the checkpoint cache directory (default <repo root>/.cache/models).
	EnvCache = "DENOISING_CACHE"
	// EnvRoot names the repository root, used when the working directory is
	// not inside the repository (e.g. a GoNB kernel's temporary directory).
	EnvRoot = repo.EnvRoot
	// EnvRetrain, when set to 1/true/yes, makes [LoadOrTrain] ignore cached
	// checkpoints and retrain (the new checkpoint replaces the old one).
	EnvRetrain = "DENOISING_RETRAIN"
)

// Budget is how much compute a notebook or test may spend. Every section
// picks its sizes (steps, data set sizes, model widths) with [Pick], so the
// same code runs as a smoke test (quick) or reproduces the lecture's figures
// (full).
type Budget string

const (
	// BudgetQuick: seconds per training run; for `make test`, CI and
	// executing every notebook end to end. Numbers are not meant to match the
	// lecture.
	BudgetQuick Budget = "quick"
	// BudgetFull: the sizes that reproduce the lecture's figures (minutes per
	// run on the pure-Go backend). The default.
	BudgetFull Budget = "full"
)

// ParseBudget parses "quick" or "full" (case-insensitive, surrounding blanks
// ignored). Any other value is an error.
func ParseBudget(s string) (Budget, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case string(BudgetQuick):
		return BudgetQuick, nil
	case string(BudgetFull):
		return BudgetFull, nil
	}
	return "", fmt.Errorf("train: invalid budget %q: want %q or %q", s, BudgetQuick, BudgetFull)
}

var warnedBudgets sync.Map // invalid $DENOISING_BUDGET values already warned about

// CurrentBudget returns the budget chosen by $DENOISING_BUDGET, read at each
// call (so tests may change it with t.Setenv). Unset or empty means
// [BudgetFull]. An invalid value also gives [BudgetFull], with a warning
// through [Warnf] (once per distinct value).
func CurrentBudget() Budget {
	v, ok := os.LookupEnv(EnvBudget)
	if !ok || strings.TrimSpace(v) == "" {
		return BudgetFull
	}
	b, err := ParseBudget(v)
	if err != nil {
		if _, seen := warnedBudgets.LoadOrStore(v, true); !seen {
			Warnf("%s=%q is not %q or %q; using %q", EnvBudget, v, BudgetQuick, BudgetFull, BudgetFull)
		}
		return BudgetFull
	}
	return b
}

// Quick reports whether the current budget is [BudgetQuick].
func Quick() bool { return CurrentBudget() == BudgetQuick }

// Pick returns quick under [BudgetQuick] and full otherwise, e.g.
//
//	steps := train.Pick(200, 20_000)
//	hidden := train.Pick(64, 500)
func Pick[T any](quick, full T) T {
	if Quick() {
		return quick
	}
	return full
}

// Warnf reports a recoverable problem (an invalid environment value, a
// corrupt checkpoint that is being retrained). It writes one line to
// standard error; tests or notebooks may replace it.
var Warnf = func(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "train: warning: "+format+"\n", args...)
}
