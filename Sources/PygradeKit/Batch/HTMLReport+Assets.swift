/// The page's inline style sheet and script (opening the detail named in
/// the address, sorting and filtering the candidates): no URL of any kind.
extension HTMLReport {
    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1a1a1a;background:#fafafa}
        h1{margin:0 0 4px;font-size:22px}h2{font-size:17px;margin:24px 0 8px}h3{font-size:14px;margin:12px 0 4px}
        .lead{color:#444;margin:0 0 8px}.hint{color:#666;font-size:12px;margin:4px 0}
        .row{display:flex;flex-wrap:wrap;gap:32px}section{max-width:100%;overflow-x:auto}
        table{border-collapse:collapse;background:#fff}th,td{padding:4px 8px;border-bottom:1px solid #e3e3e3;text-align:left;white-space:nowrap}
        th{background:#f0f0f0;font-weight:600}table.sortable th{cursor:pointer;user-select:none}
        table.sortable th.asc::after{content:" ▲"}table.sortable th.desc::after{content:" ▼"}
        td.heat{text-align:right}svg text{font-size:11px;fill:#333}
        .st{display:inline-block;padding:1px 6px;border-radius:8px;font-size:12px;color:#fff;background:#757575}
        .st-passed{background:#2e7d32}.st-failed,.st-wrong_answer{background:#c62828}.st-error{background:#000}
        .st-runtime_error{background:#ad1457}.st-time_limit_exceeded,.st-memory_limit_exceeded,.st-output_limit_exceeded{background:#ef6c00}
        .st-sandbox_violation{background:#4a148c}.st-syntax_error{background:#6a1b9a}.st-missing{background:#9e9e9e}
        .st-rule_violation{background:#8d6e63}
        .barcol{min-width:180px;position:relative}.bar{height:12px;background:#c62828;display:inline-block;vertical-align:middle}
        .barcol span{margin-left:6px}
        #filter{margin:6px 0;padding:4px 8px;width:280px}
        details.candidate{background:#fff;border:1px solid #e3e3e3;margin:4px 0;padding:4px 10px}
        details.candidate[open]{border-color:#1565c0}summary{cursor:pointer}
        .meta{color:#666;font-size:12px}.err{color:#b71c1c}
        pre.call{margin:0;padding:4px 6px;background:#fff8e1;white-space:pre-wrap}
        pre.out{margin:0;padding:4px 6px;background:#f4f4f4;white-space:pre-wrap;max-height:12em;overflow:auto}
        pre.src{margin:0;padding:4px 6px;background:#f7f7f2;border:1px solid #e3e3e3;white-space:pre;max-height:30em;overflow:auto;tab-size:4}
        details.pair{background:#fff;border:1px solid #e3e3e3;margin:4px 0;padding:4px 10px}details.pair[open]{border-color:#1565c0}
        .side{display:flex;gap:12px;align-items:flex-start}.side>div{flex:1;min-width:0}mark{background:#ffe082;color:inherit}
        """

    static let script = """
        (function(){
          function open(){var d=location.hash&&document.getElementById(location.hash.slice(1));if(d&&d.tagName==='DETAILS'){d.open=true;d.scrollIntoView();}}
          window.addEventListener('hashchange',open);open();
          var t=document.getElementById('candidates');if(!t)return;
          var ths=t.tHead.rows[0].cells;
          function key(row,i,num){var c=row.cells[i];var v=c.hasAttribute('data-v')?c.getAttribute('data-v'):c.textContent;
            return num?parseFloat(v)||0:v.toLowerCase();}
          Array.prototype.forEach.call(ths,function(th,i){th.addEventListener('click',function(){
            var num=th.getAttribute('data-type')==='num';var asc=!th.classList.contains('asc');
            Array.prototype.forEach.call(ths,function(h){h.classList.remove('asc','desc');});
            th.classList.add(asc?'asc':'desc');
            var body=t.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
            rows.sort(function(a,b){var x=key(a,i,num),y=key(b,i,num);return (x<y?-1:x>y?1:0)*(asc?1:-1);});
            rows.forEach(function(r){body.appendChild(r);});});});
          var f=document.getElementById('filter');
          f.addEventListener('input',function(){var q=f.value.toLowerCase();
            Array.prototype.forEach.call(t.tBodies[0].rows,function(r){r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':'';});});
        })();
        """
}
