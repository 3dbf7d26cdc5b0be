// SPDX-License-Identifier: GPL-3.0-or-later
#include "importdialog.h"

#include "canvasview.h"
#include "export/shellexporter.h"
#include "topologydocument.h"
#include "topologyscene.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace netloom::gui {

ImportDialog::ImportDialog(QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("importDialog"));
    setWindowTitle(tr("Import Setup Script"));
    resize(1100, 700);

    // Left: the input.
    auto *left = new QWidget;
    auto *leftBox = new QVBoxLayout(left);
    leftBox->setContentsMargins(0, 0, 0, 0);
    auto *intro = new QLabel(tr("Paste a shell script that builds a network by hand (vde_switch, tunctl, brctl, "
                                "ifconfig, iptables, dnsmasq, qemu-system-*, vdeqemu) or open one. Nothing in it "
                                "is executed."));
    intro->setWordWrap(true);
    leftBox->addWidget(intro);
    m_text = new QPlainTextEdit;
    m_text->setObjectName(QStringLiteral("importText"));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    leftBox->addWidget(m_text, 1);
    auto *form = new QFormLayout;
    m_branch = new QLineEdit(QStringLiteral("start"));
    m_branch->setObjectName(QStringLiteral("importBranch"));
    m_branch->setMaxLength(64);
    m_branch->setToolTip(tr("The branch of an rc script's case \"$1\" that builds the network"));
    form->addRow(tr("rc-script &branch:"), m_branch);
    m_files = new QLabel(tr("none"));
    m_files->setObjectName(QStringLiteral("importFiles"));
    m_files->setWordWrap(true);
    form->addRow(tr("Referenced files:"), m_files);
    leftBox->addLayout(form);
    auto *fileButtons = new QHBoxLayout;
    auto *openButton = new QPushButton(tr("&Open File\u2026"));
    openButton->setObjectName(QStringLiteral("importOpenFile"));
    auto *addButton = new QPushButton(tr("Add &Referenced File\u2026"));
    addButton->setObjectName(QStringLiteral("importAddFile"));
    addButton->setToolTip(tr("A file the script reads, such as a dnsmasq -C configuration or an nft -f rule set"));
    m_addFile = addButton;
    auto *runningButton = new QPushButton(tr("R&unning QEMU Guests"));
    runningButton->setObjectName(QStringLiteral("importRunning"));
    runningButton->setToolTip(tr("Read the command lines of your own running qemu-system-* processes (they keep running; "
                                 "Netloom does not take them over)"));
    fileButtons->addWidget(openButton);
    fileButtons->addWidget(addButton);
    fileButtons->addWidget(runningButton);
    fileButtons->addStretch(1);
    leftBox->addLayout(fileButtons);

    // Right: the report above the preview.
    auto *right = new QSplitter(Qt::Vertical);
    auto *reportBox = new QWidget;
    auto *reportLayout = new QVBoxLayout(reportBox);
    reportLayout->setContentsMargins(0, 0, 0, 0);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("importStatus"));
    m_status->setWordWrap(true);
    reportLayout->addWidget(m_status);
    m_table = new QTableWidget(0, ColCount);
    m_table->setObjectName(QStringLiteral("importReport"));
    m_table->setHorizontalHeaderLabels({tr("Line"), tr("Kind"), tr("Text"), tr("Detail")});
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    reportLayout->addWidget(m_table);
    right->addWidget(reportBox);
    m_previewDoc = new TopologyDocument(this);
    m_scene = new TopologyScene(m_previewDoc, this);
    m_view = new CanvasView(m_scene);
    m_view->setObjectName(QStringLiteral("importPreview"));
    m_view->setInteractive(false);  // a preview: nothing can be moved, cabled or dropped
    m_view->setAcceptDrops(false);
    right->addWidget(m_view);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    m_view->setMinimumHeight(160);

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName(QStringLiteral("importButton"));
    m_import->setEnabled(false);
    auto *outer = new QVBoxLayout(this);
    outer->addWidget(split, 1);
    outer->addWidget(buttons);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &ImportDialog::reimportNow);
    connect(m_text, &QPlainTextEdit::textChanged, this, &ImportDialog::scheduleReimport);
    connect(m_branch, &QLineEdit::textChanged, this, &ImportDialog::scheduleReimport);
    connect(openButton, &QPushButton::clicked, this, &ImportDialog::openFileDialog);
    connect(addButton, &QPushButton::clicked, this, &ImportDialog::addFileDialog);
    connect(runningButton, &QPushButton::clicked, this, [this] { (void)loadRunningGuests(); });  // errors are shown
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Not QDialog::accept: the owner closes the dialog once the document was replaced (the
    // user may still cancel at its "unsaved changes" question).
    connect(m_import, &QPushButton::clicked, this, [this] {
        if (importEnabled())
            emit importRequested(m_result.topology);
    });
    showResult();
}

Result<QByteArray> ImportDialog::readBounded(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Io, tr("Cannot read %1: %2").arg(path, f.errorString())};
    QByteArray data = f.read(kMaxFileBytes + 1);
    if (data.size() > kMaxFileBytes)
        return Error{ErrorCode::LimitExceeded, tr("%1 is larger than 4 MiB: not a setup script").arg(path)};
    return data;
}

void ImportDialog::setText(const QString &text)
{
    setScriptMode();
    m_text->setPlainText(text);
}

void ImportDialog::setScriptMode()
{
    if (!m_runningMode)
        return;
    m_runningMode = false;
    m_running.clear();
    m_name = QStringLiteral("imported");
    m_text->setReadOnly(false);
    m_branch->setEnabled(true);
    m_addFile->setEnabled(true);
}

Result<int> ImportDialog::loadRunningGuests(const QString &procRoot)
{
    const Result<QList<importer::RunningGuest>> guests = importer::listOwnQemuProcesses(procRoot);
    if (!guests) {
        m_status->setText(guests.error().message);
        return guests.error();
    }
    setRunningGuests(*guests);
    return int(guests->size());
}

void ImportDialog::setRunningGuests(const QList<importer::RunningGuest> &guests)
{
    // A word is shown bare when the shell would read it back unchanged, else quoted.
    static const QRegularExpression bare(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    QStringList lines;
    for (const importer::RunningGuest &g : guests) {
        QStringList words;
        for (const QString &w : g.argv)
            words.append(bare.match(w).hasMatch() ? w : exporter::shellQuote(w));
        lines.append(QStringLiteral("# pid %1").arg(g.pid));
        lines.append(words.join(u' '));
    }
    m_runningMode = true;
    m_running = guests;
    m_name = QStringLiteral("running-guests");
    m_text->setReadOnly(true);
    m_branch->setEnabled(false);
    m_addFile->setEnabled(false);
    m_text->setPlainText(lines.join(u'\n'));
    reimportNow();
}

QString ImportDialog::loadFile(const QString &path)
{
    const Result<QByteArray> data = readBounded(path);
    if (!data) {
        m_status->setText(data.error().message);
        return data.error().message;
    }
    setScriptMode();
    m_name = QFileInfo(path).completeBaseName();
    if (m_name.isEmpty())
        m_name = QStringLiteral("imported");
    m_text->setPlainText(QString::fromUtf8(*data));
    return QString();
}

QString ImportDialog::addReferencedFile(const QString &path)
{
    if (m_referenced.size() >= kMaxReferencedFiles && !m_referenced.contains(path))
        return tr("At most %1 referenced files").arg(kMaxReferencedFiles);
    const Result<QByteArray> data = readBounded(path);
    if (!data) {
        m_status->setText(data.error().message);
        return data.error().message;
    }
    m_referenced.insert(path, *data);
    QStringList names = m_referenced.keys();
    names.sort();
    m_files->setText(names.join(QLatin1String(", ")));
    scheduleReimport();
    return QString();
}

void ImportDialog::setBranch(const QString &value)
{
    m_branch->setText(value);
}

void ImportDialog::scheduleReimport()
{
    m_debounce->start();
}

void ImportDialog::openFileDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open setup script"), QString(),
                                                      tr("Shell scripts (*.sh *.rc rc.*);;dnsmasq configuration (*.conf);;All files (*)"));
    if (!path.isEmpty())
        loadFile(path);
}

void ImportDialog::addFileDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Add referenced file"));
    if (!path.isEmpty())
        addReferencedFile(path);
}

void ImportDialog::reimportNow()
{
    m_debounce->stop();
    m_error.clear();
    m_hasResult = false;
    m_result = importer::ImportResult{};
    const QByteArray text = m_text->toPlainText().toUtf8();
    if (m_runningMode) {
        importer::ImportOptions o;
        o.name = m_name;
        if (!m_running.isEmpty()) {
            m_result = importer::importRunningGuests(m_running, o);
            m_hasResult = true;
        }
    } else if (!text.trimmed().isEmpty()) {
        importer::ImportOptions o;
        o.caseValue = m_branch->text().trimmed().isEmpty() ? QStringLiteral("start") : m_branch->text().trimmed();
        o.name = m_name;
        o.files = m_referenced;
        Result<importer::ImportResult> r = importer::importScript(text, o);
        if (r) {
            m_result = std::move(*r);
            m_hasResult = true;
        } else {
            m_error = r.error().message;
        }
    }
    showResult();
}

QString ImportDialog::statusText() const
{
    return m_status->text();
}

bool ImportDialog::importEnabled() const
{
    return m_hasResult && m_result.usable();
}

void ImportDialog::showResult()
{
    using Kind = importer::ReportLine::Kind;
    m_table->setRowCount(0);
    m_previewDoc->reset(m_result.topology, QString());
    m_import->setEnabled(importEnabled());
    if (!m_error.isEmpty()) {
        m_status->setText(tr("The input was refused: %1").arg(m_error));
        return;
    }
    if (!m_hasResult) {
        m_status->setText(m_runningMode ? tr("No running qemu-system-* process of yours was found.")
                                        : tr("Paste a script or open a file."));
        return;
    }
    const QString counts = tr("%1 mapped, %2 ignored, %3 not understood")
                               .arg(m_result.mapped).arg(m_result.ignored).arg(m_result.notUnderstood);
    const QString outcome = m_result.usable()
                                ? tr("nodes: %1, cables: %2").arg(m_result.topology.nodes.size()).arg(m_result.topology.links.size())
                                : tr("nothing usable came out");
    m_status->setText(QStringLiteral("%1 \u2014 %2").arg(counts, outcome));
    const QBrush ignoredBrush(QColor(255, 240, 190));
    const QBrush notUnderstoodBrush(QColor(255, 205, 205));
    m_table->setRowCount(int(m_result.report.size()));
    for (int row = 0; row < m_result.report.size(); ++row) {
        const importer::ReportLine &l = m_result.report[row];
        QString kind;
        switch (l.kind) {
        case Kind::Mapped: kind = tr("mapped"); break;
        case Kind::Ignored: kind = tr("ignored"); break;
        case Kind::NotUnderstood: kind = tr("not understood"); break;
        }
        const QStringList cells = {l.line > 0 ? QString::number(l.line) : QStringLiteral("\u2014"), kind, l.text, l.detail};
        for (int c = 0; c < ColCount; ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            item->setToolTip(cells[c]);
            if (l.kind == Kind::Ignored)
                item->setBackground(ignoredBrush);
            else if (l.kind == Kind::NotUnderstood)
                item->setBackground(notUnderstoodBrush);
            if (c == ColKind && l.kind != Kind::Mapped) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            m_table->setItem(row, c, item);
        }
    }
    m_table->resizeColumnToContents(ColLine);
    m_table->resizeColumnToContents(ColKind);
    m_table->resizeColumnToContents(ColText);
    m_table->setColumnWidth(ColText, qBound(80, m_table->columnWidth(ColText), 260));
    m_view->fitAll();
}

}  // namespace netloom::gui
