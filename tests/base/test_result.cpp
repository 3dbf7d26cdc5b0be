// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/result.h"

#include <QTest>

using namespace netloom;

class TestResult : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void valueAndError()
    {
        Result<int> good = 42;
        QVERIFY(good.isOk());
        QCOMPARE(*good, 42);
        Result<int> bad = Error::failed(ErrorCode::NotFound, QStringLiteral("open"), QStringLiteral("x.json"),
                                        QStringLiteral("no such file"));
        QVERIFY(!bad.isOk());
        QCOMPARE(bad.error().code, ErrorCode::NotFound);
        QCOMPARE(bad.error().message, QStringLiteral("failed to open 'x.json': no such file"));
        QCOMPARE(bad.valueOr(7), 7);
        QCOMPARE(bad.error().context(QStringLiteral("load")).message,
                 QStringLiteral("load: failed to open 'x.json': no such file"));
    }
    void codeNamesRoundTrip()
    {
        for (int i = 0; i <= int(ErrorCode::Cancelled); ++i) {
            const auto code = ErrorCode(i);
            ErrorCode back{};
            QVERIFY(errorCodeFromName(errorCodeName(code), &back));
            QCOMPARE(back, code);
        }
        ErrorCode dummy{};
        QVERIFY(!errorCodeFromName(QStringLiteral("nonsense"), &dummy));
    }
};

QTEST_GUILESS_MAIN(TestResult)
#include "test_result.moc"
