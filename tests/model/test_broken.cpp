// SPDX-License-Identifier: GPL-3.0-or-later
// tests/model/broken/: every broken file is refused with the expected message, both by the
// library and by `netloomctl validate` (exit 3, one stderr line per problem, no crash).
// Examples validate with exit 0. The table is broken/expected.tsv:
//   file <TAB> load|invalid <TAB> substring of "path: message" (or of the load error)
#include "common/testutil.h"
#include "model/topologyjson.h"
#include "model/validator.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace netloom;
using namespace netloom::model;

namespace {

struct Row {
    QString file;
    bool loadError = false;
    QString substring;
};

QList<Row> table()
{
    QList<Row> rows;
    const QByteArray text = test::readFile(test::sourcePath(QStringLiteral("tests/model/broken/expected.tsv")));
    for (const QByteArray &line : text.split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QList<QByteArray> cols = line.split('\t');
        if (cols.size() != 3)
            qFatal("bad line in expected.tsv: %s", line.constData());
        rows.append(Row{QString::fromUtf8(cols[0]), cols[1] == "load", QString::fromUtf8(cols[2])});
    }
    return rows;
}

QString brokenPath(const QString &file) { return test::sourcePath(QStringLiteral("tests/model/broken/") + file); }
QString ctl() { return test::binaryPath(QStringLiteral("app/cli/netloomctl")); }

}  // namespace

class TestBroken : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyFileIsListed()
    {
        QStringList listed;
        for (const Row &r : table())
            listed.append(r.file);
        const QStringList files = QDir(test::sourcePath(QStringLiteral("tests/model/broken"))).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 60);
        for (const QString &f : files)
            QVERIFY2(listed.contains(f), qPrintable(f + QStringLiteral(" has no row in expected.tsv")));
    }

    void library_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("loadError");
        QTest::addColumn<QString>("substring");
        for (const Row &r : table())
            QTest::newRow(qPrintable(r.file)) << r.file << r.loadError << r.substring;
    }
    void library()
    {
        QFETCH(QString, file);
        QFETCH(bool, loadError);
        QFETCH(QString, substring);
        const Result<Topology> t = loadTopologyFile(brokenPath(file));
        if (loadError) {
            QVERIFY2(!t.isOk(), "expected a load error");
            QVERIFY2(t.error().message.contains(substring), qPrintable(t.error().message));
            QVERIFY(t.error().message.contains(file));
            return;
        }
        QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : t.error().message));
        const QList<Issue> issues = validate(*t);
        QVERIFY(hasErrors(issues));
        QStringList lines;
        for (const Issue &i : issues)
            lines.append(i.path + QStringLiteral(": ") + i.message);
        QVERIFY2(lines.join(QLatin1Char('\n')).contains(substring), qPrintable(lines.join(QLatin1Char('\n'))));
    }

    void cli_data() { library_data(); }
    void cli()
    {
        QFETCH(QString, file);
        QFETCH(bool, loadError);
        QFETCH(QString, substring);
        const QString path = brokenPath(file);
        const test::CommandResult r = test::run({ctl(), QStringLiteral("validate"), path});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY(r.out.isEmpty());
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(err.contains(substring), qPrintable(err));
        QVERIFY(err.endsWith(QLatin1Char('\n')));
        for (const QString &line : err.trimmed().split(QLatin1Char('\n'))) {
            // One line per problem, each naming the file.
            QVERIFY2(line.startsWith(path + QStringLiteral(": ")) || (loadError && line.startsWith(QStringLiteral("failed to load topology '%1': ").arg(path))),
                     qPrintable(line));
        }
        // The JSON report says the same.
        const test::CommandResult j = test::run({ctl(), QStringLiteral("validate"), QStringLiteral("--json"), path});
        QCOMPARE(j.exitCode, 3);
        const QJsonObject report = QJsonDocument::fromJson(j.out).object();
        const QJsonObject entry = report.value(QStringLiteral("files")).toArray().at(0).toObject();
        QCOMPARE(entry.value(QStringLiteral("valid")).toBool(true), false);
        if (loadError)
            QVERIFY(entry.value(QStringLiteral("loadError")).toObject().value(QStringLiteral("message")).toString().contains(substring));
        else
            QVERIFY(!entry.value(QStringLiteral("issues")).toArray().isEmpty());
    }

    void examplesAreValid()
    {
        QStringList args{ctl(), QStringLiteral("validate")};
        const QDir dir(test::sourcePath(QStringLiteral("examples")));
        for (const QString &f : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
            args.append(dir.filePath(f));
        QVERIFY(args.size() >= 11);
        const test::CommandResult r = test::run(args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        QCOMPARE(r.out.count('\n'), args.size() - 2);
        QVERIFY(r.out.contains(": valid ("));
    }

    void usage()
    {
        QCOMPARE(test::run({ctl(), QStringLiteral("validate")}).exitCode, 2);
        QCOMPARE(test::run({ctl(), QStringLiteral("validate"), QStringLiteral("--frobnicate"), QStringLiteral("x.json")}).exitCode, 2);
        const test::CommandResult help = test::run({ctl(), QStringLiteral("validate"), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("usage: netloomctl validate"));
        const test::CommandResult missing = test::run({ctl(), QStringLiteral("validate"), QStringLiteral("/nonexistent/t.json")});
        QCOMPARE(missing.exitCode, 3);
        QVERIFY(missing.err.contains("failed to read topology '/nonexistent/t.json'"));
        // Mixed: one valid and one broken file -> 3, the valid one still reported.
        const test::CommandResult mixed = test::run({ctl(), QStringLiteral("validate"), test::sourcePath(QStringLiteral("examples/demo.json")),
                                                     brokenPath(QStringLiteral("self-link.json"))});
        QCOMPARE(mixed.exitCode, 3);
        QVERIFY(mixed.out.contains("demo.json: valid"));
        // Standard input.
        const test::CommandResult stdinRun = test::run({ctl(), QStringLiteral("validate"), QStringLiteral("-")}, 30000,
                                                       test::readFile(test::sourcePath(QStringLiteral("examples/demo.json"))));
        QVERIFY2(stdinRun.exitCode == 0, qPrintable(stdinRun.describe()));
    }
};

QTEST_GUILESS_MAIN(TestBroken)
#include "test_broken.moc"
