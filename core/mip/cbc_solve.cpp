#include "core/mip/cbc_solve.h"

#include <coin/CbcEventHandler.hpp>
#include <coin/CbcHeuristic.hpp>
#include <coin/CbcHeuristicFPump.hpp>
#include <coin/CbcHeuristicLocal.hpp>
#include <coin/CbcHeuristicRINS.hpp>
#include <coin/CbcModel.hpp>
#include <coin/CglClique.hpp>
#include <coin/CglFlowCover.hpp>
#include <coin/CglGomory.hpp>
#include <coin/CglKnapsackCover.hpp>
#include <coin/CglMixedIntegerRounding2.hpp>
#include <coin/CglProbing.hpp>
#include <coin/ClpEventHandler.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <coin/OsiClpSolverInterface.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>

namespace pipecut::mip {

int MipModel::addColumn(double lo, double up, double objective, bool integer)
{
    m_colLo.push_back(lo);
    m_colUp.push_back(up);
    m_obj.push_back(objective);
    m_integer.push_back(integer ? 1 : 0);
    return columnCount() - 1;
}

void MipModel::setPriority(int column, int priority)
{
    if (m_priority.size() < m_obj.size())
        m_priority.resize(m_obj.size(), kDefaultPriority);
    m_priority[column] = priority;
}

void MipModel::addRow(std::vector<Term> terms, double lo, double up)
{
    std::sort(terms.begin(), terms.end());
    for (size_t i = 0; i < terms.size();) {
        double sum = 0;
        const int col = terms[i].first;
        for (; i < terms.size() && terms[i].first == col; ++i)
            sum += terms[i].second;
        if (sum != 0.0) {
            m_rowIndex.push_back(col);
            m_rowValue.push_back(sum);
        }
    }
    m_rowStart.push_back(static_cast<int>(m_rowIndex.size()));
    m_rowLo.push_back(lo);
    m_rowUp.push_back(up);
}

std::mutex &coinMutex()
{
    static std::mutex m;
    return m;
}

namespace {

constexpr int kPresolveColumnLimit = 20000;
// Threads only for models up to this many columns (a 300-node random wiring's
// cover pricing has 1,190): on the 3,000-node transformer's, the threads'
// node LPs run on past the time limit (bench_limits: 5 s limits end after
// up to 5.60 s with them, 5.30 s without).
constexpr int kThreadedColumnLimit = 5000;
constexpr double kSearchReserveFraction = 0.1;
constexpr double kMaxSearchReserve = 0.5; // seconds
constexpr double kLpReservePerColumn = 3e-6; // seconds

// Shared between the handler CBC clones and the caller.
struct Watch {
    StopToken stop, cancel;
    // The caller's limit less what an LP needs to stop (lpReserve), and an
    // earlier one for the branch and cut: after a
    // stop CBC still checks its pending solutions and cleans its tree (each
    // an LP that the interruption makes cheap but not free), 0.1 to 0.7 s on
    // the models built here.
    std::chrono::steady_clock::time_point deadline, searchDeadline;
    bool hasDeadline = false;
    bool inSearch = false; // branchAndBound() is running: searchDeadline applies
    double stopAtOrBelow = -std::numeric_limits<double>::infinity();
    // Set from CBC's threads when it runs several (SolveOptions::threads).
    std::atomic<bool> stoppedEarly = false;
    std::atomic<bool> lpInterrupted = false; // an LP was cut short: CBC's tree bound is not trusted
    std::function<void(double, double)> progress;
    std::mutex reportMutex; // one report at a time, whichever thread sends it
    std::chrono::steady_clock::time_point lastReport {};
};

bool timeUp(const Watch &w)
{
    return w.stop.stopRequested() || w.cancel.stopRequested()
        || (w.hasDeadline && std::chrono::steady_clock::now() >= (w.inSearch ? w.searchDeadline : w.deadline));
}

// What the branch and cut leaves for its wind-down out of a limit of `seconds`.
double searchReserve(double seconds)
{
    return std::min(kMaxSearchReserve, kSearchReserveFraction * seconds);
}

// What an LP leaves for its interruption and the teardown: Clp fires no event
// before its first iteration nor during a refactorisation, and freeing the
// model takes time too; all grow with the columns (0.25 s past the limit for
// 80,000 columns). Independent of this solve's budget, which may be the last
// few tenths of a second of the caller's: an LP that cannot start in it is skipped.
double lpReserve(int columns)
{
    return std::min(kMaxSearchReserve, kLpReservePerColumn * columns);
}

// Interrupts a long LP (CBC only looks at its own handler between nodes and
// cut passes, and one root LP of a large model can take longer than a second).
class LpWatch : public ClpEventHandler {
public:
    explicit LpWatch(std::shared_ptr<Watch> watch)
        : m_watch(std::move(watch))
    {
    }
    ClpEventHandler *clone() const override { return new LpWatch(*this); }
    int event(Event which) override
    {
        if (which != endOfIteration || !timeUp(*m_watch))
            return -1;
        m_watch->lpInterrupted = true;
        return 0;
    }

private:
    std::shared_ptr<Watch> m_watch;
};

// Discards every message. Log level 0 silences the models built here, but
// the models CBC makes for its own threads printed a solution message
// ("Cbc0012I ... found by Unknown") now and then; they clone this one.
class SilentMessages : public CoinMessageHandler {
public:
    CoinMessageHandler *clone() const override { return new SilentMessages(*this); }
    int print() override { return 0; }
};

class WatchHandler : public CbcEventHandler {
public:
    explicit WatchHandler(std::shared_ptr<Watch> watch)
        : m_watch(std::move(watch))
    {
    }
    CbcEventHandler *clone() const override { return new WatchHandler(*this); }

    CbcAction event(CbcEvent which) override
    {
        Watch &w = *m_watch;
        const auto now = std::chrono::steady_clock::now();
        if (timeUp(w))
            return stop;
        const double incumbent = model_ ? model_->getMinimizationObjValue() : 1e100;
        if ((which == solution || which == heuristicSolution) && incumbent <= w.stopAtOrBelow) {
            w.stoppedEarly = true;
            return stop;
        }
        std::unique_lock report(w.reportMutex, std::defer_lock);
        if (w.progress && model_ && report.try_lock() && now - w.lastReport > std::chrono::milliseconds(250)) {
            w.lastReport = now;
            w.progress(incumbent < 1e50 ? incumbent : std::numeric_limits<double>::infinity(),
                model_->getBestPossibleObjValue());
        }
        return noAction;
    }

private:
    std::shared_ptr<Watch> m_watch;
};

} // namespace

// The cut generators and heuristics of a search, added to the model in this
// order (the cuts before the heuristics are built); they live as long as the search.
struct SearchAids {
    explicit SearchAids(CbcModel &model);
    bool addCuts(CbcModel &model);

    CglProbing probing;
    CglGomory gomory;
    CglKnapsackCover knapsack;
    CglClique clique;
    CglMixedIntegerRounding2 mir;
    CglFlowCover flow;
    bool cutsAdded;
    CbcRounding rounding;
    CbcHeuristicFPump pump;
    CbcHeuristicLocal local;
    CbcHeuristicRINS rins;
};

SearchAids::SearchAids(CbcModel &model)
    : cutsAdded(addCuts(model))
    , rounding(model)
    , pump(model)
    , local(model)
    , rins(model)
{
    model.addHeuristic(&rounding);
    model.addHeuristic(&pump);
    model.addHeuristic(&local);
    model.addHeuristic(&rins);
}

bool SearchAids::addCuts(CbcModel &model)
{
    probing.setUsingObjective(1);
    probing.setMaxPass(1);
    probing.setMaxPassRoot(3);
    probing.setMaxProbe(10);
    probing.setMaxProbeRoot(50);
    probing.setMaxLook(10);
    probing.setMaxLookRoot(50);
    probing.setRowCuts(3);
    gomory.setLimit(300);
    clique.setStarCliqueReport(false);
    clique.setRowCliqueReport(false);
    model.addCutGenerator(&probing, -1, "Probing");
    model.addCutGenerator(&gomory, -1, "Gomory");
    model.addCutGenerator(&knapsack, -1, "Knapsack");
    model.addCutGenerator(&clique, -1, "Clique");
    model.addCutGenerator(&mir, -1, "MIR2");
    model.addCutGenerator(&flow, -1, "FlowCover");
    return true;
}

struct Solver {
    static SolveOutcome run(const MipModel &m, const SolveOptions &o);
    static std::shared_ptr<Watch> watchFor(
        const MipModel &m, const SolveOptions &o, std::chrono::steady_clock::time_point started);
    static CoinPackedMatrix rowMatrix(const MipModel &m, std::vector<double> &colLo, std::vector<double> &colUp,
        std::vector<double> &rowLo, std::vector<double> &rowUp);
    static void readSearch(CbcModel &model, const Watch &watch, double lpBound, int ncols, SolveOutcome &out);
};

// The deadlines and callbacks CBC's event handlers look at.
std::shared_ptr<Watch> Solver::watchFor(
    const MipModel &m, const SolveOptions &o, std::chrono::steady_clock::time_point started)
{
    auto watch = std::make_shared<Watch>();
    watch->stop = o.stop;
    watch->cancel = o.cancel;
    auto after = [&](double seconds) {
        return started
            + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
    };
    if (o.seconds > 0) {
        watch->hasDeadline = true;
        const double lp = lpReserve(m.columnCount());
        watch->deadline = after(o.seconds - lp);
        watch->searchDeadline = after(o.seconds - std::max(lp, searchReserve(o.seconds)));
    }
    watch->stopAtOrBelow = o.stopAtOrBelow;
    watch->progress = o.progress;
    return watch;
}

// The model's rows as CBC takes them, infinite bounds as COIN_DBL_MAX.
CoinPackedMatrix Solver::rowMatrix(const MipModel &m, std::vector<double> &colLo, std::vector<double> &colUp,
    std::vector<double> &rowLo, std::vector<double> &rowUp)
{
    const int ncols = m.columnCount();
    const int nrows = m.rowCount();
    auto finite = [](double v) { return std::isinf(v) ? (v > 0 ? COIN_DBL_MAX : -COIN_DBL_MAX) : v; };
    colLo.resize(ncols);
    colUp.resize(ncols);
    rowLo.resize(nrows);
    rowUp.resize(nrows);
    std::transform(m.m_colLo.begin(), m.m_colLo.end(), colLo.begin(), finite);
    std::transform(m.m_colUp.begin(), m.m_colUp.end(), colUp.begin(), finite);
    std::transform(m.m_rowLo.begin(), m.m_rowLo.end(), rowLo.begin(), finite);
    std::transform(m.m_rowUp.begin(), m.m_rowUp.end(), rowUp.begin(), finite);
    std::vector<int> lengths(nrows);
    for (int r = 0; r < nrows; ++r)
        lengths[r] = m.m_rowStart[r + 1] - m.m_rowStart[r];
    return CoinPackedMatrix(false, ncols, nrows, static_cast<CoinBigIndex>(m.m_rowIndex.size()), m.m_rowValue.data(),
        m.m_rowIndex.data(), m.m_rowStart.data(), lengths.data());
}

// Solution, proven status and bound after the branch and cut.
void Solver::readSearch(CbcModel &model, const Watch &watch, double lpBound, int ncols, SolveOutcome &out)
{
    out.stoppedEarly = watch.stoppedEarly;
    if (model.bestSolution()) {
        out.objective = model.getMinimizationObjValue();
        out.solution.assign(model.bestSolution(), model.bestSolution() + ncols);
    }
    if (!watch.lpInterrupted && model.isProvenInfeasible() && !model.bestSolution()) {
        out.status = SolveOutcome::Status::Infeasible;
        return;
    }
    double bound = lpBound;
    if (watch.lpInterrupted) {
        // An LP stopped mid-way may have been taken for an infeasible node;
        // only the root relaxation solved before the search is a safe bound.
    } else if (model.isProvenOptimal() && model.bestSolution()) {
        out.status = SolveOutcome::Status::Optimal;
        bound = std::max(bound, out.objective);
    } else {
        const double possible = model.getBestPossibleObjValue();
        // CBC reports min(best possible, incumbent); when the search was cut
        // before its tree existed that is the incumbent, which proves nothing.
        if (std::isfinite(possible) && std::abs(possible) < 1e50
            && (!model.bestSolution() || possible < out.objective - 1e-9 * std::max(1.0, std::abs(out.objective))))
            bound = std::max(bound, possible);
    }
    out.bound = bound - 1e-7 * std::max(1e-9, std::abs(bound));
}

SolveOutcome Solver::run(const MipModel &m, const SolveOptions &o)
{
    SolveOutcome out;
    // The clock starts here, so that building the matrix and loading it (each
    // a few tenths of a second on models with 100,000 columns) count.
    const auto started = std::chrono::steady_clock::now();
    auto watch = watchFor(m, o, started);
    if (timeUp(*watch))
        return out;
    const int ncols = m.columnCount();
    std::vector<double> colLo, colUp, rowLo, rowUp;
    CoinPackedMatrix matrix = rowMatrix(m, colLo, colUp, rowLo, rowUp);

    std::lock_guard lock(coinMutex());
    if (timeUp(*watch)) // the limit passed or a stop came while building the matrix or queueing
        return out;
    OsiClpSolverInterface solver;
    solver.messageHandler()->setLogLevel(0);
    solver.getModelPtr()->setLogLevel(0);
    LpWatch lpWatch(watch);
    solver.getModelPtr()->passInEventHandler(&lpWatch);
    solver.loadProblem(matrix, colLo.data(), colUp.data(), m.m_obj.data(), rowLo.data(), rowUp.data());
    // Clp's presolve cannot be interrupted (no event fires inside it) and takes
    // 25 s on the 90,000-column anchor model of a 20,000-node graph under a 4 s
    // limit: past a size where it may exceed a second, the simplex (whose
    // iterations LpWatch can stop) starts without it.
    if (ncols > kPresolveColumnLimit)
        solver.setHintParam(OsiDoPresolveInInitial, false, OsiHintDo);
    bool anyInteger = false;
    for (int c = 0; c < ncols; ++c)
        if (m.m_integer[c]) {
            solver.setInteger(c);
            anyInteger = true;
        }
    if (timeUp(*watch)) // loading takes a while and fires no event
        return out;
    const auto lpStarted = std::chrono::steady_clock::now();
    solver.initialSolve();
    const auto lpTook = std::chrono::steady_clock::now() - lpStarted;
    if (watch->lpInterrupted)
        return out; // no bound, no solution
    if (solver.isProvenPrimalInfeasible()) {
        out.status = SolveOutcome::Status::Infeasible;
        return out;
    }
    double lpBound = -std::numeric_limits<double>::infinity();
    if (solver.isProvenOptimal())
        lpBound = solver.getObjValue();
    if (!anyInteger) {
        if (solver.isProvenOptimal()) {
            out.status = SolveOutcome::Status::Optimal;
            out.objective = lpBound;
            out.bound = lpBound - 1e-7 * std::max(1e-9, std::abs(lpBound));
            out.solution.assign(solver.getColSolution(), solver.getColSolution() + ncols);
        }
        return out;
    }

    SilentMessages silent; // outlives the model, which does not own it
    silent.setLogLevel(0);
    CbcModel model(solver);
    model.passInMessageHandler(&silent);
    model.setLogLevel(0);
    model.messageHandler()->setLogLevel(0);
    model.solver()->messageHandler()->setLogLevel(0);
    model.setUseElapsedTime(true);
    if (o.seconds > 0)
        model.setMaximumSeconds(std::max(
            0.01, std::chrono::duration<double>(watch->searchDeadline - std::chrono::steady_clock::now()).count()));
    model.setAllowableGap(1e-10);
    model.setAllowableFractionGap(1e-9);
    model.setCutoffIncrement(1e-9);
    if (std::isfinite(o.cutoff))
        model.setCutoff(o.cutoff);
    // CBC's own threads search subtrees in parallel (Debian's CBC is built
    // with them); each thread's model gets a clone of the handlers below.
    // Past kThreadedColumnLimit their node LPs run on past the deadline.
    model.setNumberThreads(o.threads > 1 && ncols <= kThreadedColumnLimit ? o.threads : 0);

    SearchAids aids(model);
    if (!m.m_priority.empty()) {
        // CBC takes one priority per integer object, in column order.
        model.findIntegers(false);
        std::vector<int> priorities;
        for (int c = 0; c < ncols; ++c)
            if (m.m_integer[c])
                priorities.push_back(
                    c < static_cast<int>(m.m_priority.size()) ? m.m_priority[c] : MipModel::kDefaultPriority);
        model.passInPriorities(priorities.data(), false);
    }
    if (!o.start.empty() && static_cast<int>(o.start.size()) == ncols) {
        double obj = 0;
        for (int c = 0; c < ncols; ++c)
            obj += m.m_obj[c] * o.start[c];
        model.setBestSolution(o.start.data(), ncols, obj, true);
    }
    WatchHandler handler(watch);
    model.passInEventHandler(&handler);
    const bool goodEnough = model.bestSolution() && model.getMinimizationObjValue() <= o.stopAtOrBelow;
    watch->inSearch = true;
    // CBC's first cut pass at the root (the generators, above all probing)
    // fires no event: on the 80,000-column anchor model of a 20,000-node
    // graph it takes 2.3 s after a 4.5 s initial LP, so a search started with
    // 1.3 s left ends 1.8 s past a 7 s limit. Both scale with the model and
    // the machine's load alike, so a search needs at least as long as the
    // initial LP took.
    const bool noTimeForRoot = watch->hasDeadline && watch->searchDeadline - std::chrono::steady_clock::now() < lpTook;
    if (goodEnough || noTimeForRoot || timeUp(*watch)) {
        // Good enough already, or no time left for a search (the initial LP
        // or checking the start took it): the root LP's bound and the start
        // are the answer.
        out.stoppedEarly = goodEnough;
        if (model.bestSolution()) {
            out.objective = model.getMinimizationObjValue();
            out.solution.assign(model.bestSolution(), model.bestSolution() + ncols);
        }
        out.bound = lpBound - 1e-7 * std::max(1e-9, std::abs(lpBound));
        return out;
    }
    model.branchAndBound();
    readSearch(model, *watch, lpBound, ncols, out);
    return out;
}

SolveOutcome solve(const MipModel &model, const SolveOptions &options)
{
    return Solver::run(model, options);
}

} // namespace pipecut::mip
