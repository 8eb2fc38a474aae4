<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AskView</name>
    <message>
        <location filename="../../chat/ask_view.py" line="79"/>
        <location filename="../../chat/ask_view.py" line="80"/>
        <source>New question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="81"/>
        <source>Clear the answer and type a new question (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="84"/>
        <source>THIS SESSION</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="87"/>
        <source>Questions asked in this session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="91"/>
        <source>Questions you ask appear here until the app is closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="43"/>
        <source>Ask about a procedure, a torque, a part number or an error code…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="112"/>
        <source>Question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="120"/>
        <source>Ask</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="120"/>
        <source>Ask the question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="123"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="123"/>
        <source>Stop the answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="124"/>
        <source>Stop writing the answer (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="128"/>
        <source>Save to notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="129"/>
        <source>Save this question and answer to notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="130"/>
        <source>Keep the question, the answer and its sources as a job note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="175"/>
        <source>Ask the manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="179"/>
        <source>Add manuals…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="182"/>
        <source>Load the demo manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="190"/>
        <source>TRY ASKING</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="197"/>
        <source>How answers work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="199"/>
        <source>Every answer comes only from the manuals in your library, with the manual, page and passage it rests on. Tap a source to open the page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="201"/>
        <source>Part numbers, error codes and values are matched exactly: ask with them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="202"/>
        <source>Safety warnings near the passages are shown above the answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="203"/>
        <source>Everything runs on this device. Nothing is sent anywhere.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="217"/>
        <source>Opening the library…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="220"/>
        <source>Answers come from the {0} manuals on this device ({1} passages), with the page to check them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="223"/>
        <source>Answers come from the manuals on this device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="225"/>
        <source>&lt;b&gt;Your library is empty.&lt;/b&gt; Add the equipment manuals (PDF, Word, HTML, Markdown or text) to ask questions about them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="233"/>
        <source>Ask: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="243"/>
        <source>&lt;b&gt;No chat model is installed.&lt;/b&gt; You can still search: the passages that match your question are shown without a written answer. An administrator can add a GGUF model in Settings, or run &lt;i&gt;field-assistant models setup&lt;/i&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/ask_view.py" line="248"/>
        <source>&lt;b&gt;The chat model could not be loaded.&lt;/b&gt; {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CitationCard</name>
    <message>
        <location filename="../../chat/cards.py" line="59"/>
        <source>page {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/cards.py" line="60"/>
        <source>Source {0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/cards.py" line="62"/>
        <source>Press Enter to open the manual at this passage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/cards.py" line="76"/>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/cards.py" line="77"/>
        <source>Open source {0} in the viewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/cards.py" line="86"/>
        <source> ({0:.0%} confidence)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/cards.py" line="88"/>
        <source>Read by OCR{0}: check the page image</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConflictPanel</name>
    <message>
        <location filename="../../notes/notes_view.py" line="62"/>
        <source>Two versions of this part were written on different devices. Choose what to keep; nothing is lost until you do.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="66"/>
        <source>Version kept here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="67"/>
        <source>Conflicting copy {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="76"/>
        <source>Keep this one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="77"/>
        <source>Keep the other</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="78"/>
        <source>Keep both</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DepotIndicator</name>
    <message>
        <location filename="../../depot_indicator.py" line="77"/>
        <source>Depot not set up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="78"/>
        <source>No depot is set up on this device: manuals and models come only from this device&apos;s own library.
An administrator sets one up with: field-assistant sync-setup --server URL --depot-key KEY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="83"/>
        <source>Depot: not checked yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="83"/>
        <source>The depot is checked with the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="91"/>
        <source>Downloading {0}, {1}%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="92"/>
        <source>{0} of {1} KB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="94"/>
        <source>Installing {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="95"/>
        <source>The new revision replaces the old one in search when it is fully indexed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="97"/>
        <source>Trying the new {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="98"/>
        <source>A new chat model is loaded and timed on this device before it is used; the current model stays in use if it fails.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="101"/>
        <source>Checking the depot…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="101"/>
        <source>Reading what the depot has for this device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="105"/>
        <source>model {0} version {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="106"/>
        <source>manual {0} rev {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="117"/>
        <source>Depot unreachable (last seen {0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="118"/>
        <source>Depot unreachable (never reached)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="119"/>
        <source>Manuals and models stay as they are; the depot is tried again with the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="126"/>
        <source>Depot error: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="129"/>
        <source>Depot document refused: bad signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="130"/>
        <source>{0} depot documents refused: bad signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="132"/>
        <source>A document from the depot is not signed with this device&apos;s depot key, or was changed after signing. Nothing from it was used; tell your depot administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="137"/>
        <source>New model {0} rolled back: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="149"/>
        <source>Depot up to date, rolled back {0} at {1}: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="158"/>
        <source>The new chat model {0} did not pass its check on this device, so the model in use stays {1}.

Reason: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="159"/>
        <source>the previous one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="141"/>
        <source>Depot: {0} file(s) rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="144"/>
        <source>Depot: {0} download(s) to resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="145"/>
        <source>The connection dropped; the downloads go on from where they stopped with the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="154"/>
        <source>Depot up to date (last checked {0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="155"/>
        <source>Manuals and models are the depot&apos;s latest for this device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="165"/>
        <source>too slow on this device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="167"/>
        <source>does not load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="169"/>
        <source>file damaged in transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="177"/>
        <source>Click for details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="178"/>
        <source>Depot: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../depot_indicator.py" line="190"/>
        <source>Depot</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LibraryView</name>
    <message>
        <location filename="../../library/library_view.py" line="134"/>
        <source>Library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="135"/>
        <location filename="../../library/library_view.py" line="250"/>
        <source>Add files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="136"/>
        <source>Add manual files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="137"/>
        <source>Add manual files (Ctrl+O)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="138"/>
        <source>Add folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="139"/>
        <location filename="../../library/library_view.py" line="304"/>
        <source>Add a folder of manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="140"/>
        <source>Re-index</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="141"/>
        <source>Re-index the selected manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="142"/>
        <location filename="../../library/library_view.py" line="440"/>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="143"/>
        <source>Remove the selected manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="158"/>
        <location filename="../../library/library_view.py" line="165"/>
        <source>Indexing progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="160"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="160"/>
        <source>Cancel adding manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="178"/>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="178"/>
        <source>Dismiss the list of failed files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="184"/>
        <source>Files that could not be added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="192"/>
        <source>Filter manuals by title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="193"/>
        <source>Filter manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="207"/>
        <source>Manuals in the library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="230"/>
        <source>Drop files or folders here to add them · double-click a manual to open it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="245"/>
        <source>Drop manuals here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="246"/>
        <source>PDF, Word (.docx), HTML, Markdown and text files, or whole folders. They are indexed on this device; nothing is uploaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="253"/>
        <source>Load the demo manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="272"/>
        <source>{0} manuals · {1} pages · {2} passages indexed on this device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="273"/>
        <source>No manuals yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="297"/>
        <source>Add manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="299"/>
        <source>Manuals ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="299"/>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="331"/>
        <source>Waiting to start…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="350"/>
        <source>Bringing up to date {0} of {1}: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="351"/>
        <source>Indexing {0} of {1}: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="366"/>
        <source>{0} manual(s) brought up to date: tables as rows and procedures added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="367"/>
        <source>{0} manual(s) brought up to date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="369"/>
        <source>, {0} scanned page(s) read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="376"/>
        <source>{0} added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="378"/>
        <source>{0} updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="380"/>
        <source>{0} removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="382"/>
        <source>{0} already in the library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="384"/>
        <source>{0} could not be added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="391"/>
        <source>Indexing stopped: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="394"/>
        <source>Indexing cancelled. Manuals indexed so far are kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="408"/>
        <source>Cancelling after the current file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="412"/>
        <source>Indexing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="417"/>
        <source>{0} manual(s) could not be brought up to date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="418"/>
        <source>{0} file(s) could not be added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="435"/>
        <source>Remove manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="436"/>
        <source>Remove these manuals from the library?&lt;br&gt;&lt;br&gt;{0}&lt;br&gt;&lt;br&gt;The files themselves are not deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="447"/>
        <source>{0} manual(s) removed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../main_window.py" line="91"/>
        <location filename="../../main_window.py" line="93"/>
        <location filename="../../main_window.py" line="182"/>
        <location filename="../../main_window.py" line="366"/>
        <source>Field Assistant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="115"/>
        <source>Chat model: starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="115"/>
        <source>Chat model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="116"/>
        <source>Library: opening…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="116"/>
        <location filename="../../main_window.py" line="195"/>
        <source>Library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="117"/>
        <source>Network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="184"/>
        <source>Field
Assistant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="193"/>
        <source>Ask</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="193"/>
        <source>Ask the manuals (Ctrl+1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="194"/>
        <source>Manual</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="194"/>
        <source>The manual page of a source (Ctrl+2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="195"/>
        <source>Manuals on this device (Ctrl+3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="196"/>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="196"/>
        <source>Job notes, synced to the depot (Ctrl+4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="209"/>
        <source>Scan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="209"/>
        <source>Scan a nameplate&apos;s code to pick the job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="214"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="214"/>
        <source>Settings (Ctrl+,)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="217"/>
        <source>Admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="218"/>
        <source>Leave kiosk mode (administrator PIN)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="240"/>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="289"/>
        <source>This procedure cannot be opened: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="316"/>
        <source>Chat model: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="318"/>
        <source>No chat model: search only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="321"/>
        <source>Chat model failed to load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="323"/>
        <source>The chat model could not be loaded: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="328"/>
        <source>Search by meaning is unavailable ({0}). Keyword search still works.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="335"/>
        <source>{0} manuals · {1} passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="336"/>
        <source>Library empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="355"/>
        <source>Works offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="357"/>
        <source>Online · answers stay on this device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="359"/>
        <source>Offline · everything works on this device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="378"/>
        <source>Enter the PIN to open Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="405"/>
        <source>No OS keyring on this device: the sync password is kept in the app&apos;s settings file, readable by this user only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="411"/>
        <source>Admin PIN saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="413"/>
        <source>Settings saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="441"/>
        <source>Enter the PIN to leave kiosk mode.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="445"/>
        <location filename="../../main_window.py" line="448"/>
        <source>Leave kiosk mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="446"/>
        <source>No admin PIN is set, so kiosk mode is not locked. Leave kiosk mode?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="458"/>
        <source>Kiosk mode is locked. An administrator can unlock it with the PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="498"/>
        <source>Checking the depot…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../main_window.py" line="511"/>
        <source>Syncing notes…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ManualsModel</name>
    <message>
        <location filename="../../library/library_view.py" line="69"/>
        <source>Indexing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="71"/>
        <source>File missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="73"/>
        <source>Indexed · {0} scanned pages not searchable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/library_view.py" line="74"/>
        <source>Indexed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NameplateScanner</name>
    <message>
        <location filename="../../nameplate.py" line="42"/>
        <source>From a photo…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../nameplate.py" line="43"/>
        <source>With the camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../nameplate.py" line="47"/>
        <source>Photo of the nameplate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../nameplate.py" line="97"/>
        <source>The camera did not give a picture ({0}); choose a photo instead.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotesView</name>
    <message>
        <location filename="../../notes/notes_view.py" line="110"/>
        <location filename="../../notes/notes_view.py" line="372"/>
        <source>New note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="111"/>
        <source>Start a new note (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="115"/>
        <source>Search notes…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="116"/>
        <source>Search notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="122"/>
        <source>Filter by work order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="123"/>
        <location filename="../../notes/notes_view.py" line="245"/>
        <source>All work orders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="128"/>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="133"/>
        <source>No notes yet. Write one, or save an answer to notes from the Ask page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="148"/>
        <source>Title, e.g. Pump P-200 seal replaced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="149"/>
        <source>Note title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="154"/>
        <source>Work order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="154"/>
        <source>Asset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="155"/>
        <source>Serial number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="162"/>
        <source>Tags (comma separated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="164"/>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="165"/>
        <source>e.g. seal, P-200, follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="171"/>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="177"/>
        <source>Hold to dictate; the words go in at the cursor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="181"/>
        <source>Note text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="186"/>
        <source>SOURCES IN THE MANUALS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="196"/>
        <location filename="../../notes/notes_view.py" line="422"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="196"/>
        <source>Delete this note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="199"/>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="199"/>
        <source>Save the note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="200"/>
        <source>Save (Ctrl+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="247"/>
        <source>{0} ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="253"/>
        <source>conflict to review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="297"/>
        <source>Tag {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="304"/>
        <source>, page {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="342"/>
        <source>“{0}” is not in the library on this device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="354"/>
        <source>This note was changed on two devices at once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="370"/>
        <source>Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="375"/>
        <source>Saved {0}{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="98"/>
        <source>Untitled note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="406"/>
        <source>Note saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="418"/>
        <source>Delete note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="419"/>
        <source>Delete “{0}”? It is deleted on every device at the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="406"/>
        <source>Note deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="407"/>
        <source>Conflict settled; the result syncs like any edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/notes_view.py" line="409"/>
        <source>Saved to notes: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../kiosk.py" line="66"/>
        <location filename="../../kiosk.py" line="68"/>
        <location filename="../../kiosk.py" line="72"/>
        <source>Administrator PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk.py" line="79"/>
        <source>PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk.py" line="84"/>
        <source>PIN error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk.py" line="91"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk.py" line="91"/>
        <source>Confirm PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk.py" line="105"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk.py" line="114"/>
        <location filename="../../kiosk.py" line="126"/>
        <source>Too many wrong PINs. Try again in {0} s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk.py" line="128"/>
        <source>Wrong PIN.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProcedureView</name>
    <message>
        <location filename="../../procedure/procedure_view.py" line="107"/>
        <source>Procedure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="114"/>
        <source>Last command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="117"/>
        <source>Leave</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="127"/>
        <location filename="../../procedure/procedure_view.py" line="284"/>
        <source>Opening the procedure…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="134"/>
        <source>Before you start: read the warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="143"/>
        <source>I have read the warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="144"/>
        <source>Or say “acknowledged”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="156"/>
        <source>Step counter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="158"/>
        <source>Paused. Say “resume” or press Resume to go on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="170"/>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="194"/>
        <source>Procedure finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="200"/>
        <source>Close the procedure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="208"/>
        <source>This procedure was not finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="215"/>
        <source>Go on where the run stopped (say “resume”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="220"/>
        <source>Start over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="221"/>
        <source>Begin again at the warnings; the note keeps the earlier run (say “start over”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="244"/>
        <source>Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="244"/>
        <source>The step before (say “back”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="245"/>
        <source>Repeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="245"/>
        <source>Show this step again (say “repeat”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="246"/>
        <source>Read aloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="246"/>
        <location filename="../../procedure/procedure_view.py" line="551"/>
        <source>Read this step aloud (say “read it”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="247"/>
        <location filename="../../procedure/procedure_view.py" line="537"/>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="247"/>
        <source>Pause the procedure (say “pause”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="248"/>
        <source>Finish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="248"/>
        <source>Finish the procedure (say “done”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="249"/>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="249"/>
        <source>The next step (say “next”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="281"/>
        <source>page {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="306"/>
        <source>Resume at step {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="306"/>
        <source>Resume at the warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="309"/>
        <source> (started {0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="310"/>
        <source>It stopped at step {0} of {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="311"/>
        <source>It stopped at the warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="312"/>
        <source>Say “resume” or “start over”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="330"/>
        <source>Starting over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="330"/>
        <source>Resuming</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="344"/>
        <source>step {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="344"/>
        <source>the warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="345"/>
        <source>Resumed where you stopped: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="354"/>
        <source>This procedure cannot be started: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="374"/>
        <source>“{0}”: say “resume” or “start over”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="383"/>
        <source>not a command: “{0}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="397"/>
        <source>paused: say “resume” first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="400"/>
        <location filename="../../procedure/procedure_view.py" line="439"/>
        <source>Step {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="408"/>
        <source>this is the last step: say “done” to finish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="409"/>
        <source>this is the first step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="409"/>
        <source>nothing to do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="411"/>
        <source>acknowledge the warnings first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="440"/>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="440"/>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="441"/>
        <source>Warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="458"/>
        <source>Last command: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="482"/>
        <source>Step {0} of {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="509"/>
        <source>Stopped at step {0} of {1}. The steps and times are in the job&apos;s note.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="521"/>
        <source>Step {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="214"/>
        <location filename="../../procedure/procedure_view.py" line="537"/>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="118"/>
        <source>Leave the procedure; next time it offers to resume at this step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="547"/>
        <source>Reading aloud is not available on this device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="552"/>
        <source>Reading aloud is not available: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="552"/>
        <source>no speech engine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../procedure/procedure_view.py" line="634"/>
        <source>The procedure&apos;s progress could not be written to the note: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Recorder</name>
    <message>
        <location filename="../../voice/recorder.py" line="97"/>
        <source>No microphone found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/recorder.py" line="100"/>
        <source>Microphone access is turned off for this app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/recorder.py" line="128"/>
        <source>The microphone {0} could not be opened ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/recorder.py" line="166"/>
        <source>The microphone {0} stopped ({1})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SafetyBanner</name>
    <message>
        <location filename="../../chat/cards.py" line="137"/>
        <source>Show in manual</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Services</name>
    <message>
        <location filename="../../services.py" line="121"/>
        <source>Loading the chat model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../services.py" line="124"/>
        <source>Loading {0}…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../settings_dialog.py" line="47"/>
        <location filename="../../settings_dialog.py" line="48"/>
        <location filename="../../settings_dialog.py" line="60"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="63"/>
        <source>Answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="66"/>
        <location filename="../../settings_dialog.py" line="73"/>
        <source>Chat model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="67"/>
        <source>Looking for models…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="78"/>
        <location filename="../../settings_dialog.py" line="393"/>
        <location filename="../../settings_dialog.py" line="398"/>
        <source>Add model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="79"/>
        <source>Add a GGUF chat model file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="75"/>
        <source>Any GGUF chat model in the models folder. A larger model writes better answers but needs more memory and time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="84"/>
        <location filename="../../settings_dialog.py" line="88"/>
        <source>Answer length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="86"/>
        <source>{0} (up to {1} tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="92"/>
        <source>Passages given to the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="52"/>
        <location filename="../../settings_dialog.py" line="93"/>
        <source>Passages per answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="94"/>
        <source>Read scanned pages and photos by OCR when adding manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="96"/>
        <source>Scans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="99"/>
        <source>Library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="102"/>
        <location filename="../../settings_dialog.py" line="105"/>
        <source>Watched folders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="107"/>
        <source>Manuals added, changed or deleted in these folders are indexed or removed automatically.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="109"/>
        <source>Add folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="109"/>
        <source>Watch a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="112"/>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="112"/>
        <source>Stop watching the folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="121"/>
        <source>Voice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="124"/>
        <location filename="../../settings_dialog.py" line="126"/>
        <source>Microphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="128"/>
        <location filename="../../settings_dialog.py" line="132"/>
        <source>After speaking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="129"/>
        <source>Ask the question at once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="130"/>
        <source>Let me check the words first, then tap Ask</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="136"/>
        <source>Notes sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="140"/>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="142"/>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="144"/>
        <source>empty: the password is a token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="145"/>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="148"/>
        <source>Leave empty to keep the stored one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="149"/>
        <source>Password or token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="150"/>
        <source>Check the server&apos;s certificate (turn off only for a lab server)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="152"/>
        <source>TLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="155"/>
        <source>optional: the depot&apos;s CA certificate (PEM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="156"/>
        <source>Pinned CA file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="158"/>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="158"/>
        <source>Choose the CA file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="161"/>
        <source>Pinned CA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="164"/>
        <source>Appearance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="167"/>
        <location filename="../../settings_dialog.py" line="171"/>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="173"/>
        <location filename="../../settings_dialog.py" line="177"/>
        <source>Text size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="175"/>
        <source>{0} ({1} %)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="180"/>
        <location filename="../../settings_dialog.py" line="183"/>
        <source>Kiosk mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="182"/>
        <source>Run full screen, locked, with large touch targets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="185"/>
        <source>Kiosk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="189"/>
        <location filename="../../settings_dialog.py" line="193"/>
        <source>New admin PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="190"/>
        <source>Leave empty to keep the current PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="191"/>
        <source>{0} to {1} digits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="197"/>
        <source>Repeat the new admin PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="199"/>
        <source>Repeat PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="200"/>
        <source>An admin PIN is set. It is needed to leave kiosk mode and to open Settings there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="202"/>
        <source>No admin PIN is set: anyone can leave kiosk mode. Set one before handing out a tablet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="215"/>
        <source>Settings are saved on this device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="216"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="219"/>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="219"/>
        <source>Save settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="239"/>
        <source>The sync server&apos;s CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="240"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="252"/>
        <source>No microphone found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="256"/>
        <source>System default ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="261"/>
        <source>{0} (not connected)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="269"/>
        <source>Offer to read answers and safety notes aloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="271"/>
        <source>Read aloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="273"/>
        <location filename="../../settings_dialog.py" line="280"/>
        <source>Reading speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="274"/>
        <source>Slower</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="274"/>
        <source>Normal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="274"/>
        <source>Faster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="276"/>
        <source>Custom ({0:+.1f})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="286"/>
        <source>Reading voice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="288"/>
        <location filename="../../settings_dialog.py" line="293"/>
        <source>Wake word</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="289"/>
        <source>On in kiosk mode only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="290"/>
        <source>Always listen for it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="291"/>
        <source>Off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="295"/>
        <location filename="../../settings_dialog.py" line="299"/>
        <source>Wake phrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="300"/>
        <source>Chime when the wake word is heard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="302"/>
        <source>Chime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="341"/>
        <source>recommended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="343"/>
        <source>unusable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="354"/>
        <source>No chat model installed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="367"/>
        <source>On this device: first word after {0} s, then {1} words a second.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="370"/>
        <source>Recommended: the best model that answers within 8 s here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="372"/>
        <source>Not measured on this device yet: run “field-assistant models bench” to see each model&apos;s speed here and which one is recommended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="375"/>
        <source>Not measured on this device (“field-assistant models bench”).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="379"/>
        <source>Add a chat model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="381"/>
        <source>GGUF models (*.gguf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="389"/>
        <source>Copying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="404"/>
        <source>Watch a folder of manuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="458"/>
        <source>The PIN must be {0} to {1} digits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="461"/>
        <source>The two PINs differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="484"/>
        <source>Enter the sync server before its password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../settings_dialog.py" line="497"/>
        <source>The settings could not be saved: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Speaker</name>
    <message>
        <location filename="../../voice/speaker.py" line="171"/>
        <source>Read aloud is not available: Qt&apos;s text-to-speech module is missing ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/speaker.py" line="177"/>
        <source>Read aloud is not available: no speech engine on this device (on Linux, install speech-dispatcher and espeak-ng)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/speaker.py" line="182"/>
        <location filename="../../voice/speaker.py" line="348"/>
        <source>Read aloud is not available: the speech engine did not start ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/speaker.py" line="261"/>
        <source>no speech engine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/speaker.py" line="271"/>
        <source>the speech engine offers no voices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/speaker.py" line="395"/>
        <source>Read aloud stopped: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SpecRowsTable</name>
    <message>
        <location filename="../../chat/spec_rows.py" line="41"/>
        <source>Table rows from the manual</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <location filename="../../notes/sync_indicator.py" line="108"/>
        <source>Sync not set up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="109"/>
        <source>Notes stay on this device. Click to set up a sync server in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="116"/>
        <source>Last synced {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="117"/>
        <source>Click to sync now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="121"/>
        <source>Notes sync: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TalkButton</name>
    <message>
        <location filename="../../voice/talk_button.py" line="89"/>
        <source>Hold to talk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk_button.py" line="89"/>
        <source>Hold while you speak your question, then let go (Space)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk_button.py" line="90"/>
        <source>Listening… let go to ask</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk_button.py" line="90"/>
        <source>Recording: let go when you have finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk_button.py" line="91"/>
        <source>Writing down…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk_button.py" line="91"/>
        <source>Turning your words into text; press to cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk_button.py" line="92"/>
        <source>No voice input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk_button.py" line="99"/>
        <source>Hold to speak your question, then let go</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk_button.py" line="100"/>
        <source>Push to talk: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TalkController</name>
    <message>
        <location filename="../../voice/talk.py" line="59"/>
        <source>No microphone: type your question instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk.py" line="85"/>
        <source>Voice input unavailable: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk.py" line="115"/>
        <source>Hold the button (or Space) while you speak, then let go.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk.py" line="149"/>
        <source>the recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk.py" line="184"/>
        <source>Nothing was heard: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/talk.py" line="185"/>
        <source>no speech detected</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TurnView</name>
    <message>
        <location filename="../../chat/turn_view.py" line="41"/>
        <source>You asked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="43"/>
        <source>Question: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="53"/>
        <source>ANSWER</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="56"/>
        <source>Answer for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="63"/>
        <source>Answer status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="66"/>
        <location filename="../../chat/turn_view.py" line="281"/>
        <source>Read aloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="67"/>
        <source>Read the answer aloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="75"/>
        <source>FROM THE MANUAL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="78"/>
        <source>The manual says</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="92"/>
        <source>Answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="109"/>
        <source>Helpful</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="109"/>
        <source>This answer was helpful</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="110"/>
        <source>Not helpful</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="111"/>
        <source>This answer was not helpful</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="156"/>
        <source>{0}, page {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="158"/>
        <source>Open {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="181"/>
        <source>for {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="182"/>
        <source>for {0} (not scoped: no manual for this asset)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="219"/>
        <source>Check against the manual: &lt;b&gt;{0}&lt;/b&gt; does not appear in the cited passages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="236"/>
        <source>Sources</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="236"/>
        <source>Closest passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="247"/>
        <source>, page {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="248"/>
        <source>Start procedure: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="249"/>
        <source>Step by step, from {0}{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="250"/>
        <source>Start procedure {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="282"/>
        <source>Read the safety note aloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="306"/>
        <source>Searching the manuals…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="309"/>
        <source>Loading the chat model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="310"/>
        <source>Writing the answer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="310"/>
        <source>Reading the passages…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="312"/>
        <source>Stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="314"/>
        <source>No answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="320"/>
        <source>Nothing relevant found · {0:.1f} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="322"/>
        <source>{0:.1f} s · {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="327"/>
        <source>No chat model is installed, so no answer was written. The passages that match your question are below. ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="331"/>
        <source>Something went wrong while answering ({0}: {1}). The details are in the log file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="338"/>
        <source>Generation was stopped. The text above is incomplete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="341"/>
        <source>The library has no passage close enough to answer from. Try other words, a part number or an error code, or add the manual for this equipment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="345"/>
        <source>The model&apos;s answer repeated the manual&apos;s line above, so it is not shown twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="347"/>
        <source>The model did not point to a passage: the sources below are the passages it was given. Check the answer against them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../chat/turn_view.py" line="349"/>
        <source>Written by a small on-device model from the sources below: check values against the manual before you act.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ViewerView</name>
    <message>
        <location filename="../../viewer/viewer_view.py" line="133"/>
        <source>Answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="133"/>
        <source>Back to the answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="134"/>
        <source>Back to the answer (Alt+Left)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="139"/>
        <location filename="../../viewer/viewer_view.py" line="179"/>
        <source>No manual open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="149"/>
        <source>Previous page (Page Up)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="154"/>
        <source>Next page (Page Down)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="156"/>
        <source>Zoom out (Ctrl+-)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="161"/>
        <source>Zoom in (Ctrl++)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="163"/>
        <source>Fit page width (Ctrl+0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="180"/>
        <source>Open a source under an answer to see the page it comes from, with the passage highlighted. Manuals can also be opened from the Library.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="189"/>
        <source>Manual page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="199"/>
        <source>Manual text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="233"/>
        <source>Page {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="271"/>
        <source>&lt;b&gt;This manual cannot be shown.&lt;/b&gt; {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../viewer/viewer_view.py" line="403"/>
        <source>Page {0} of {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VoicePicker</name>
    <message>
        <location filename="../../voice/voice_picker.py" line="35"/>
        <source>Reading voice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/voice_picker.py" line="38"/>
        <source>Looking for voices…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/voice_picker.py" line="41"/>
        <source>Test voice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/voice_picker.py" line="42"/>
        <source>Read a sentence with this voice and speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/voice_picker.py" line="58"/>
        <source>This is how answers and procedure steps are read aloud.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/voice_picker.py" line="66"/>
        <source>No voices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/voice_picker.py" line="69"/>
        <source>The speech engine offers no voices.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/voice_picker.py" line="72"/>
        <source>The engine&apos;s default voice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/voice_picker.py" line="77"/>
        <source>{0} (not on this device)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/voice_picker.py" line="79"/>
        <source>The engine&apos;s default voice is used here</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WakeIndicator</name>
    <message>
        <location filename="../../voice/wake.py" line="264"/>
        <source>Listening for the wake word</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/wake.py" line="264"/>
        <source>Listening: say the command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/wake.py" line="265"/>
        <source>Understanding the command…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/wake.py" line="266"/>
        <source>Wake word paused while you talk</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WakeListener</name>
    <message>
        <location filename="../../voice/wake.py" line="121"/>
        <source>Wake word unavailable: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/wake.py" line="184"/>
        <source>Nothing heard after the wake word</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/wake.py" line="201"/>
        <source>the spoken command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../voice/wake.py" line="217"/>
        <source>Nothing was heard: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WatchPoller</name>
    <message>
        <location filename="../../library/watch_poller.py" line="112"/>
        <source>New manuals in the watched folders wait for the embedding model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/watch_poller.py" line="147"/>
        <source>Watched folder {0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../library/watch_poller.py" line="150"/>
        <source>Watched folder {0} is available again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>combo</name>
    <message>
        <location filename="../../settings_dialog.py" line="507"/>
        <source>Custom ({0})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>w</name>
    <message>
        <location filename="../../notes/sync_indicator.py" line="126"/>
        <source>{0} waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="128"/>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="130"/>
        <source>Syncing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="132"/>
        <source>{0} conflict(s) to review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="136"/>
        <source>{0} rejected by the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="137"/>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="139"/>
        <source>Sync error: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="141"/>
        <source>Sync off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../notes/sync_indicator.py" line="142"/>
        <source>Synced</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
