// saveImageAtomically: a complete image or nothing, never a half-written file.
#include "ui/atomic_image.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace pipecut::ui;

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
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"view.png"}); // no temporary left
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
        for (const QString name : {"view.nosuchformat", "view"}) {
            const QString path = dir.filePath(name);
            writeText(path, "old");
            QVERIFY(!saveImageAtomically(image, path));
            QCOMPARE(readText(path), QByteArray("old"));
        }
        QVERIFY(!saveImageAtomically(image, dir.filePath("missing/dir/view.png")));
    }

private:
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
