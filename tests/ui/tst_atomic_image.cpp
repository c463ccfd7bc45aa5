// saveImageAtomically: a complete image or nothing, never a half-written file.
#include "tests/ui/ui_test_support.h"
#include "ui/atomic_image.h"

#include <QPainter>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace pipecut::ui;
using pipecut::ui::testing::FileSizeLimit;

class TestAtomicImage : public QObject {
    Q_OBJECT
private slots:
    void replacesTheFileWithTheWholeImage()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("view.png");
        writeText(path, "old");
        QImage image(40, 30, QImage::Format_ARGB32);
        image.fill(Qt::red);
        QVERIFY(saveImageAtomically(image, path));
        const QImage back(path);
        QCOMPARE(back.size(), image.size());
        QCOMPARE(back.pixelColor(5, 5), QColor(Qt::red));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList { "view.png" }); // no temporary left
        QPixmap pixmap(8, 8);
        pixmap.fill(Qt::blue);
        QVERIFY(saveImageAtomically(pixmap, dir.filePath("small.bmp")));
        QCOMPARE(QImage(dir.filePath("small.bmp")).size(), QSize(8, 8));
    }

    void aFailedSaveLeavesTheOldFile()
    {
        QTemporaryDir dir;
        QImage image(4, 4, QImage::Format_ARGB32);
        image.fill(Qt::green);
        for (const QString name : { "view.nosuchformat", "view" }) {
            const QString path = dir.filePath(name);
            writeText(path, "old");
            QVERIFY(!saveImageAtomically(image, path));
            QCOMPARE(readText(path), QByteArray("old"));
        }
        QVERIFY(!saveImageAtomically(image, dir.filePath("missing/dir/view.png")));
    }

    void vectorPicturesAreWrittenWhole()
    {
        QTemporaryDir dir;
        for (const QString name : { "view.svg", "view.pdf" }) {
            const QString path = dir.filePath(name);
            writeText(path, "old");
            QString error;
            QVERIFY2(saveVectorAtomically(path, QSizeF(300, 200), "title", "description", paintSomething, &error),
                qPrintable(error));
            const QByteArray bytes = readText(path);
            QVERIFY2(bytes.startsWith(name.endsWith("svg") ? "<?xml" : "%PDF"), bytes.left(20).constData());
            QVERIFY(bytes.size() > 200);
        }
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot),
            (QStringList { "view.pdf", "view.svg" }));
    }

    // The disk fills up while the picture is written: the old file stays, the
    // temporary is removed, and the error says why.
    void aFailedVectorExportLeavesTheOldFileAndNoTemporary()
    {
        QTemporaryDir dir;
        for (const QString name : { "view.svg", "view.pdf" }) {
            const QString path = dir.filePath(name);
            writeText(path, "old");
            QString error;
            {
                FileSizeLimit full(100);
                QVERIFY(!saveVectorAtomically(path, QSizeF(300, 200), "title", "description", paintSomething, &error));
            }
            QVERIFY2(error.contains("write failed"), qPrintable(error));
            QCOMPARE(readText(path), QByteArray("old"));
        }
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot),
            (QStringList { "view.pdf", "view.svg" }));
        QString error;
        QVERIFY(!saveVectorAtomically(
            dir.filePath("view.svg"), QSizeF(10, 10), {}, {}, [](QPaintDevice &) { return false; },
            &error)); // the drawing failed
        QCOMPARE(readText(dir.filePath("view.svg")), QByteArray("old"));
        writeText(dir.filePath("view.eps"), "old");
        QVERIFY(!saveVectorAtomically(dir.filePath("view.eps"), QSizeF(10, 10), {}, {}, paintSomething, &error));
        QCOMPARE(readText(dir.filePath("view.eps")), QByteArray("old"));
        QVERIFY(!saveVectorAtomically(
            dir.filePath("missing/dir/view.svg"), QSizeF(10, 10), {}, {}, paintSomething, &error));
        QVERIFY2(error.contains("temporary"), qPrintable(error));
    }

private:
    static bool paintSomething(QPaintDevice &device)
    {
        QPainter painter;
        if (!painter.begin(&device))
            return false;
        painter.fillRect(QRectF(0, 0, 300, 200), Qt::white);
        painter.setBrush(Qt::red);
        painter.drawRect(QRectF(10, 10, 280, 180));
        for (int i = 0; i < 20; ++i)
            painter.drawText(QPointF(20, 20 + 8 * i), QStringLiteral("stage %1").arg(i));
        return painter.end();
    }
    static void writeText(const QString &path, const QByteArray &text)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    }
    static QByteArray readText(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
};

QTEST_MAIN(TestAtomicImage)
#include "tst_atomic_image.moc"
