#pragma once
// A small mixed-integer model and one function that solves it with COIN-OR CBC
// (CbcModel on an OsiClp solver, through the C++ API; never CbcMain).
//
// Problem: minimise c'x subject to rowLo <= Ax <= rowUp, colLo <= x <= colUp,
// some x integer. Returns the best solution found, a proven lower bound and
// whether optimality / infeasibility was proven.
// Complexity: that of branch and cut (exponential in the worst case); bounded
// by the time limit, a stop request (checked in CBC's event handler, so within
// one node / cut pass, well under a second on the models built here) and an
// optional "good enough" objective at which the search stops. A cut pass at
// the root fires no event (2.3 s on an 80,000-column model), so the branch and
// cut starts only with at least as much time left as the initial LP took;
// else the LP bound is the answer.
// Determinism: by default CBC runs single-threaded with fixed settings, so the
// same model gives the same answer unless a wall-clock limit cuts the search;
// with SolveOptions::threads > 1 only the validity of the bound is kept.
// Thread safety: CBC keeps global state in places (message handlers, CoinTime);
// every solve holds one process-wide mutex, so concurrent callers queue.
// Bound safety: the returned bound is max(LP relaxation, CBC's best possible
// value), the latter only when CBC's tree search actually produced it; it is
// deflated by 1e-7 relative to stay below the optimum despite LP tolerances.
//
// Example: min x0 + x1 s.t. x0 + x1 >= 1.5, x binary -> objective 2, bound 2.

#include "core/util/progress.h"

#include <functional>
#include <limits>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

namespace pipecut::mip {

using Term = std::pair<int, double>; // (column, coefficient)

class MipModel {
public:
    int addColumn(double lo, double up, double objective, bool integer);
    int addBinary(double objective = 0.0) { return addColumn(0.0, 1.0, objective, true); }
    // Duplicate columns in `terms` are merged; zero coefficients dropped.
    void addRow(std::vector<Term> terms, double lo, double up);
    void addLessEqual(std::vector<Term> terms, double up) { addRow(std::move(terms), -kInf, up); }
    void addGreaterEqual(std::vector<Term> terms, double lo) { addRow(std::move(terms), lo, kInf); }
    void setObjective(int column, double value) { m_obj[column] = value; }
    void addObjective(int column, double value) { m_obj[column] += value; }
    void setBounds(int column, double lo, double up)
    {
        m_colLo[column] = lo;
        m_colUp[column] = up;
    }
    // Branching priority of an integer column: lower values are branched on
    // first (CBC's convention); columns without one get kDefaultPriority.
    void setPriority(int column, int priority);
    static constexpr int kDefaultPriority = 1000;

    int columnCount() const { return static_cast<int>(m_obj.size()); }
    int rowCount() const { return static_cast<int>(m_rowLo.size()); }
    double lower(int column) const { return m_colLo[column]; }
    double upper(int column) const { return m_colUp[column]; }

    static constexpr double kInf = std::numeric_limits<double>::infinity();

private:
    friend struct Solver;
    std::vector<double> m_colLo, m_colUp, m_obj;
    std::vector<char> m_integer;
    std::vector<int> m_priority; // empty: none set
    std::vector<int> m_rowStart { 0 };
    std::vector<int> m_rowIndex;
    std::vector<double> m_rowValue, m_rowLo, m_rowUp;
};

struct SolveOptions {
    double seconds = 0.0; // wall-time limit; <= 0: none
    StopToken stop; // polled in CBC's and Clp's event handlers
    StopToken cancel; // a second, internal stop request
    // Stop as soon as a solution with objective <= this is known (the caller
    // only needs to know that the optimum is at most this much).
    double stopAtOrBelow = -std::numeric_limits<double>::infinity();
    // Only solutions below this objective are of interest: the search prunes
    // nodes whose bound reaches it. Then the optimum is at least
    // min(bound, cutoff), and Infeasible means no solution below the cutoff.
    double cutoff = std::numeric_limits<double>::infinity();
    // A feasible starting point (warm start), checked by CBC before use.
    std::span<const double> start;
    // Threads for CBC's branch and cut. More than one searches faster (a
    // 300-node pricing proof: 24.9 s on one thread, 15.9 s on two) but gives
    // up determinism: the threads' timing decides which nodes are searched.
    // Models of more than 5,000 columns run on one thread whatever this says.
    int threads = 1;
    // Called at most every 0.25 s with (incumbent, bound) in model units.
    std::function<void(double incumbent, double bound)> progress;
};

struct SolveOutcome {
    enum class Status { Optimal, Infeasible, Limit } status = Status::Limit;
    double objective = std::numeric_limits<double>::infinity(); // best solution found
    double bound = -std::numeric_limits<double>::infinity(); // proven lower bound
    std::vector<double> solution; // empty when none
    bool stoppedEarly = false; // stopAtOrBelow reached
};

SolveOutcome solve(const MipModel &model, const SolveOptions &options);

// The process-wide lock around CBC and Clp (solve() takes it itself; callers
// that drive Clp directly hold it while they do).
std::mutex &coinMutex();

} // namespace pipecut::mip
