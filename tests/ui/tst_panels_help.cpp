// The stage list's columns (figures per stage, sorting, the column chooser),
// the inspector's neighbours, Help's shortcut list and the default window
// size (offscreen, real widgets).
#include "core/cost/evaluate.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/document.h"
#include "ui/format.h"
#include "ui/help.h"
#include "ui/main_window.h"
#include "ui/panels/stage_list.h"
#include "ui/views/graph_view.h"

#include <QAction>
#include <QHeaderView>
#include <QScreen>
#include <QTest>
#include <QToolBar>

using namespace pipecut;
using namespace pipecut::ui;
using namespace pipecut::ui::testing;

class TestPanelsHelp : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestSettings(); }

    void stageListColumnsSortAndChoose()
    {
        auto window = openExampleWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        const Document &doc = *w.document();
        StageList &list = *w.stageList();
        const Evaluation eval = evaluate(doc.graph(), doc.params(), doc.partition());
        for (int s = 0; s < doc.k(); ++s) {
            QTreeWidgetItem *item = list.stageItem(s);
            QCOMPARE(item->text(StageList::CostColumn), formatCost(eval.stages[s].cost, doc.timeUnit()));
            QCOMPARE(item->text(StageList::WorkColumn), formatCost(eval.stages[s].work, doc.timeUnit()));
            QCOMPARE(item->text(StageList::CommInColumn), formatSize(eval.stages[s].commIn, doc.sizeUnit()));
            QCOMPARE(item->text(StageList::CommOutColumn), formatSize(eval.stages[s].commOut, doc.sizeUnit()));
            QVERIFY(item->text(StageList::MemoryColumn).startsWith(formatSize(eval.stages[s].param, doc.paramUnit())));
            QVERIFY(!item->toolTip(StageList::CostColumn).isEmpty());
        }
        // Sorting by cost, descending: the bottleneck stage comes first.
        list.sortByColumn(StageList::CostColumn, Qt::DescendingOrder);
        QCOMPARE(list.topLevelItem(0), list.stageItem(doc.bottleneckStage()));
        for (int row = 1; row < doc.k(); ++row)
            QVERIFY(list.topLevelItem(row - 1)->data(StageList::CostColumn, Qt::UserRole + 1).toDouble()
                >= list.topLevelItem(row)->data(StageList::CostColumn, Qt::UserRole + 1).toDouble());
        // Drop targets follow the stages, not the rows.
        QCOMPARE(list.stageRect(doc.bottleneckStage()), list.visualItemRect(list.topLevelItem(0)));
        // The column chooser hides and shows columns, remembered.
        list.setColumnShown(StageList::CommInColumn, false);
        QVERIFY(list.isColumnHidden(StageList::CommInColumn));
        list.setColumnShown(StageList::CommInColumn, true);
        QVERIFY(!list.isColumnHidden(StageList::CommInColumn));
    }

    void inspectorShowsNeighboursAndLeavingTensors()
    {
        auto window = openExampleWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        const Document &doc = *w.document();
        const Graph &g = doc.graph();
        // The last node of stage 1 sends a tensor to stage 2.
        NodeId sender = nodeId(0);
        bool found = false;
        for (int32_t v = 0; v < g.nodeCount() && !found; ++v)
            for (NodeId x : g.successors(nodeId(v)))
                if (doc.partition().stage(x) != doc.partition().stage(nodeId(v))) {
                    sender = nodeId(v);
                    found = true;
                }
        QVERIFY(found);
        w.graphView()->selectNodes({ sender }, false);
        const QString text = w.inspectorText();
        QVERIFY2(text.contains("consumers"), qPrintable(text));
        QVERIFY2(text.contains("leaves the stage"), qPrintable(text));
        QVERIFY2(text.contains(QString::fromStdString(g.id(g.successors(sender).front()))), qPrintable(text));
    }

    void helpListsEveryShortcutAndTheWindowFitsItsToolbar()
    {
        MainWindow w;
        w.setInteractive(false);
        const QString html = shortcutsHtml(&w);
        int shortcuts = 0;
        for (QAction *action : w.findChildren<QAction *>())
            for (const QKeySequence &key : action->shortcuts()) {
                ++shortcuts;
                QVERIFY2(html.contains(key.toString(QKeySequence::NativeText).toHtmlEscaped()),
                    qPrintable(key.toString() + " of " + action->text()));
            }
        QVERIFY(shortcuts > 15);
        QVERIFY(gettingStartedHtml().contains("Run"));
        // Without saved geometry the toolbar fits: nothing in its overflow menu.
        const QToolBar *bar = w.findChild<QToolBar *>("mainToolBar");
        QVERIFY(bar);
        QVERIFY(w.width() >= std::min(bar->sizeHint().width(), w.screen()->availableSize().width()));
    }
};

QTEST_MAIN(TestPanelsHelp)
#include "tst_panels_help.moc"
