// Package repo finds this repository's root directory, for the packages
// that keep files under it (kit/train's model cache, kit/data's classic
// images, kit/plot's echarts copy).
package repo

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ModulePath is this repository's Go module; [Root] looks for its go.mod.
const ModulePath = "github.com/dlc-go/denoising"

// EnvRoot names the repository root, used when the working directory is
// elsewhere (GoNB runs notebooks in a temporary directory).
const EnvRoot = "DENOISING_ROOT"

// Root returns the repository root: $DENOISING_ROOT if set (it must hold
// the go.mod of [ModulePath]), else the first directory holding that
// go.mod found walking up from the working directory, else walking up
// from this source file's directory (which is how a GoNB notebook,
// running in a temporary directory with a `replace` to the repository,
// finds it). The error names $DENOISING_ROOT and the extra variables in
// hint (e.g. a cache override).
func Root(hint ...string) (string, error) {
	if r := strings.TrimSpace(os.Getenv(EnvRoot)); r != "" {
		abs, err := filepath.Abs(r)
		if err != nil {
			return "", fmt.Errorf("$%s=%q: %w", EnvRoot, r, err)
		}
		if !IsModuleRoot(abs) {
			return "", fmt.Errorf("$%s=%q has no go.mod for module %s", EnvRoot, r, ModulePath)
		}
		return abs, nil
	}
	if wd, err := os.Getwd(); err == nil {
		if r, ok := FindModuleRoot(wd); ok {
			return r, nil
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		if r, ok := FindModuleRoot(filepath.Dir(file)); ok {
			return r, nil
		}
	}
	vars := "$" + EnvRoot
	for _, h := range hint {
		vars += " or $" + h
	}
	return "", fmt.Errorf("repository root not found (no go.mod of %s above the working directory); set %s", ModulePath, vars)
}

// FindModuleRoot walks up from dir (made absolute) to the directory whose
// go.mod declares ModulePath, the root of this repository.
func FindModuleRoot(dir string) (string, bool) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		if IsModuleRoot(dir) {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// IsModuleRoot reports whether dir/go.mod declares ModulePath.
func IsModuleRoot(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == ModulePath
		}
	}
	return false
}
