// SPDX-License-Identifier: GPL-3.0-or-later
// Golden files: the plan of every example topology (after allocation), as `netloomctl plan
// --json` prints it, compared with tests/plan/golden/<example>.json. Regenerate with
// NETLOOM_UPDATE_GOLDENS=1 after an intended change and review the diff.
#include "plan/planner.h"
#include "plan/topologyloader.h"
#include "common/testutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTest>

using namespace netloom;

class TestGolden : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void examples_data()
    {
        QTest::addColumn<QString>("example");
        const QStringList files = QDir(test::sourcePath(QStringLiteral("examples"))).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY2(!files.isEmpty(), "no examples/*.json found");
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << f;
    }
    void examples()
    {
        QFETCH(QString, example);
        const QString base = QFileInfo(example).completeBaseName();
        Result<model::Topology> t = plan::loadTopologyForPlan(test::sourcePath(QStringLiteral("examples/") + example));
        QVERIFY2(t.isOk(), qPrintable(t ? QString() : t.error().message));
        // Fixed context so the goldens do not depend on the checkout or the user.
        const plan::PlanContext ctx{QStringLiteral("/run/user/1000/netloom/") + base, QStringLiteral("/srv/examples")};
        Result<plan::Plan> p = plan::plan(*t, ctx);
        QVERIFY2(p.isOk(), qPrintable(p ? QString() : p.error().message));
        const QByteArray actual = QJsonDocument(plan::toJson(*p)).toJson(QJsonDocument::Indented);
        const QString goldenPath = test::sourcePath(QStringLiteral("tests/plan/golden/%1.json").arg(base));
        if (qEnvironmentVariableIntValue("NETLOOM_UPDATE_GOLDENS") == 1) {
            QFile f(goldenPath);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            QCOMPARE(f.write(actual), actual.size());
            return;
        }
        const QByteArray expected = test::readFile(goldenPath);
        QVERIFY2(!expected.isEmpty(), qPrintable(QStringLiteral("missing golden %1 (run with NETLOOM_UPDATE_GOLDENS=1)").arg(goldenPath)));
        if (actual != expected) {
            const QList<QByteArray> a = actual.split('\n'), e = expected.split('\n');
            for (qsizetype i = 0; i < std::max(a.size(), e.size()); ++i) {
                const QByteArray al = a.value(i), el = e.value(i);
                if (al != el)
                    QFAIL(qPrintable(QStringLiteral("%1 differs from the plan at line %2:\n  golden: %3\n  actual: %4\n"
                                                    "(NETLOOM_UPDATE_GOLDENS=1 regenerates after an intended change)")
                                         .arg(goldenPath).arg(i + 1).arg(QString::fromUtf8(el), QString::fromUtf8(al))));
            }
        }
    }
    // Every golden belongs to an example: no stale files.
    void noStaleGoldens()
    {
        const QStringList goldens = QDir(test::sourcePath(QStringLiteral("tests/plan/golden"))).entryList({QStringLiteral("*.json")}, QDir::Files);
        for (const QString &g : goldens)
            QVERIFY2(QFile::exists(test::sourcePath(QStringLiteral("examples/") + g)), qPrintable(QStringLiteral("stale golden %1").arg(g)));
    }
};

QTEST_GUILESS_MAIN(TestGolden)
#include "test_golden.moc"
