#include "ui/help.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <map>

namespace pipecut::ui {

namespace {

QString row(const QString &keys, const QString &what)
{
    return QStringLiteral("<tr><td style='padding-right:14px'><b>%1</b></td><td>%2</td></tr>")
        .arg(keys.toHtmlEscaped(), what.toHtmlEscaped());
}

void showText(QMainWindow *window, const QString &title, const QString &html, const QString &name)
{
    auto *dialog = new QDialog(window);
    dialog->setObjectName(name);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(title);
    auto *layout = new QVBoxLayout(dialog);
    auto *text = new QTextBrowser;
    text->setObjectName(QStringLiteral("helpText"));
    text->setOpenExternalLinks(true);
    text->setHtml(html);
    layout->addWidget(text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    layout->addWidget(buttons);
    dialog->resize(620, 560);
    dialog->show();
}

} // namespace

QString shortcutsHtml(const QMainWindow *window)
{
    // Menu actions by their menu, in menu order.
    QString html = QObject::tr("<h3>Keyboard shortcuts</h3><table>");
    for (QAction *menuAction : window->menuBar()->actions()) {
        QMenu *menu = menuAction->menu();
        if (!menu)
            continue;
        QString rows;
        for (QAction *action : menu->actions()) {
            QStringList keys;
            for (const QKeySequence &key : action->shortcuts())
                keys << key.toString(QKeySequence::NativeText);
            if (!keys.isEmpty())
                rows += row(keys.join(QStringLiteral(", ")), action->text().remove(QLatin1Char('&')));
        }
        if (!rows.isEmpty())
            html += QStringLiteral("<tr><td colspan=2><br><i>%1</i></td></tr>")
                        .arg(menuAction->text().remove(QLatin1Char('&')).toHtmlEscaped())
                + rows;
    }
    html += QObject::tr("<tr><td colspan=2><br><i>Graph view and panels</i></td></tr>");
    html += row(QObject::tr("Wheel"), QObject::tr("zoom at the cursor"));
    html += row(QObject::tr("Shift+Wheel"), QObject::tr("scroll"));
    html += row(QObject::tr("Space+drag, middle drag"), QObject::tr("pan"));
    html += row(QObject::tr("Drag on empty space"), QObject::tr("select with a rubber band"));
    html += row(QObject::tr("Drag a selection onto a node or a stage"), QObject::tr("move it to that stage"));
    html += row(QObject::tr("Shift while dropping"), QObject::tr("bring along the nodes that must follow"));
    html += row(QObject::tr("Double-click a box"), QObject::tr("expand the collapsed scope"));
    html += row(QObject::tr("Double-click a stage"), QObject::tr("select its nodes"));
    html += row(QObject::tr("Enter in the search field"), QObject::tr("frame the matches, then step through them"));
    html += row(QObject::tr("Esc in the cluster editor"), QObject::tr("cancel a running Apply, else close"));
    return html + QStringLiteral("</table>");
}

QString gettingStartedHtml()
{
    return QObject::tr(
        "<h3>Getting started: five minutes with pipecut</h3>"
        "<ol>"
        "<li><b>Open a model</b> (File \u203A Open, or drop a file on the window): ONNX, pipecut JSON, DOT, "
        "dnn-partitioning, PipeDream or Piper profiles, a Hugging Face config.json (its serving workload is "
        "in the Solver and Costs tab). pipecut partitions it at once into the k stages of the toolbar.</li>"
        "<li><b>Read the picture.</b> Nodes are filled with their stage colour; the bottleneck stage (the "
        "slowest, which sets the pipeline's pace) is outlined; thick edges cross stages and cost "
        "communication. Large graphs are drawn as boxes of one stage each; the stripe under a box is its "
        "stage mix and the figure on it its work. Double-click a box to open it; F fits the whole graph.</li>"
        "<li><b>Read the figures.</b> The right panel gives T (the bottleneck stage time), LB (a proven lower "
        "bound for these costs) and the gap between them: at 0 % the partition is optimal for these costs. "
        "The stage list on the left has each stage's work, communication, memory against the limit and "
        "cost; click a header to sort.</li>"
        "<li><b>Edit.</b> Select nodes (click, rubber band, or search) and drag them onto a node of another "
        "stage or onto a stage in the list; ] and [ move the selection to the next or previous stage. "
        "Every panel updates; an invalid move is refused with its reason. Ctrl+Z undoes.</li>"
        "<li><b>Solve again.</b> Change k or the method in the toolbar and press Run (Ctrl+R). With "
        "\u201cCompare before applying\u201d in the Solve panel a result waits next to the current "
        "partition until you apply or discard it; Cancel offers the best partition found so far the same "
        "way. To weigh two partitions side by side, View \u203A Compare A/B keeps one as B (a snapshot, a "
        "file, or a proposed result): both bottlenecks against the bound, the per-stage differences and "
        "the nodes that moved, outlined in the view.</li>"
        "<li><b>Share.</b> File \u203A Save Partition keeps your cut; File \u203A Export Report writes a "
        "PDF, SVG or PNG report with the drawing, the stage table and the bound.</li>"
        "</ol>"
        "<p>Help \u203A Keyboard Shortcuts lists every key.</p>");
}

void addHelpMenu(QMainWindow *window)
{
    QMenu *help = window->menuBar()->addMenu(QObject::tr("&Help"));
    QAction *tour = help->addAction(QObject::tr("&Getting Started"), window, [window] {
        showText(window, QObject::tr("Getting Started"), gettingStartedHtml(), QStringLiteral("gettingStarted"));
    });
    tour->setShortcut(QKeySequence::HelpContents);
    QAction *keys = help->addAction(QObject::tr("&Keyboard Shortcuts"), window, [window] {
        showText(window, QObject::tr("Keyboard Shortcuts"), shortcutsHtml(window), QStringLiteral("shortcuts"));
    });
    keys->setShortcut(QKeySequence(QObject::tr("Ctrl+/")));
    help->addSeparator();
    help->addAction(QObject::tr("&About pipecut"), window, [window] {
        QMessageBox::about(window, QObject::tr("About pipecut"),
            QObject::tr("<b>pipecut %1</b><p>Cut a DNN operator graph into pipeline stages, edit the "
                        "partition by drag and drop, and compare its bottleneck with a proven lower "
                        "bound.</p><p>Method: Archer, Fahrbach, Liu, Prabhu, arXiv 2311.03703.</p>")
                .arg(QStringLiteral(PIPECUT_VERSION)));
    });
}

} // namespace pipecut::ui
