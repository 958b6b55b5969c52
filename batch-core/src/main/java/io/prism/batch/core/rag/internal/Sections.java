package io.prism.batch.core.rag.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The bodies of the built-in data types, rendered from the payload shapes of the AKShare and
 * replay sources ({@code {"stockCode", "dataType", "function", "rows": [...], ...}} with
 * AKShare's Chinese column names). Every method tolerates missing members and renders columns
 * it does not know as {@code 列名：值}. Thread-safe; stateless.
 */
public final class Sections {
  /** Members of the shared envelope, never rendered as data. */
  public static final Set<String> ENVELOPE = Set.of("stockCode", "dataType", "function");

  private static final Pattern PERIOD = Pattern.compile("\\d{8}");

  private Sections() {}

  /**
   * Renders a body by data type; unknown types get the generic form.
   *
   * @param dataType the type name
   * @param p the payload
   * @param dailyRows the most daily rows shown one by one
   * @return the body
   */
  public static String body(String dataType, JsonNode p, int dailyRows) {
    return switch (dataType) {
      case "financial" -> financial(p);
      case "daily_quotes" -> daily(p, dailyRows);
      case "company_profile" -> profile(p);
      case "announcements" -> announcements(p);
      case "shareholders" -> shareholders(p);
      case "longhubang" -> longhubang(p);
      default -> generic(p);
    };
  }

  /**
   * Finds a stock name the payload itself carries.
   *
   * @param p the payload
   * @return the name, or empty
   */
  public static Optional<String> nameIn(JsonNode p) {
    for (String f : List.of("stockName", "股票简称", "名称", "name")) {
      JsonNode v = p.path(f);
      if (v.isTextual() && !v.asText().isBlank()) {
        return Optional.of(v.asText().trim());
      }
    }
    for (JsonNode row : p.path("rows")) {
      JsonNode item = row.path("item");
      if (item.isTextual() && item.asText().equals("股票简称") && row.path("value").isTextual()) {
        return Optional.of(row.path("value").asText().trim());
      }
      JsonNode name = row.path("名称");
      if (name.isTextual() && !name.asText().isBlank()) {
        return Optional.of(name.asText().trim());
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- financial

  static String financial(JsonNode p) {
    Lines out = new Lines();
    out.source(p, "新浪财务摘要");
    List<String> periods = periods(p);
    if (!periods.isEmpty()) {
      out.line("报告期：" + String.join("、", periods.stream().map(Fmt::period).toList()) + "。");
    }
    Set<String> known = Set.of("选项", "指标");
    for (String period : periods) {
      out.blank();
      out.line("【" + Fmt.period(period) + "】");
      Map<String, List<String>> groups = new LinkedHashMap<>();
      Set<String> seen = new LinkedHashSet<>();
      for (JsonNode row : p.path("rows")) {
        String name = Fmt.text(row.path("指标"));
        JsonNode v = row.path(period);
        if (name.isEmpty() || Fmt.absent(v) || !seen.add(name)) {
          continue;
        }
        String group = Fmt.text(row.path("选项"));
        groups.computeIfAbsent(group.isEmpty() ? "其他指标" : group, g -> new ArrayList<>())
            .add(name + " " + indicator(name, v));
      }
      groups.forEach((g, items) -> out.line(g + "：" + String.join("，", items) + "。"));
    }
    List<String> extra = new ArrayList<>();
    for (JsonNode row : p.path("rows")) {
      String name = Fmt.text(row.path("指标"));
      List<String> cells = cells(row, c -> known.contains(c) || PERIOD.matcher(c).matches());
      if (!cells.isEmpty()) {
        extra.add((name.isEmpty() ? "" : name + "：") + String.join("，", cells) + "。");
      }
    }
    if (!extra.isEmpty()) {
      out.blank();
      out.line("其他字段：");
      extra.forEach(out::line);
    }
    out.rest(p, Set.of("periods", "rows"));
    return out.text();
  }

  private static List<String> periods(JsonNode p) {
    TreeSet<String> all = new TreeSet<>(Comparator.reverseOrder());
    for (JsonNode v : p.path("periods")) {
      if (v.isValueNode() && PERIOD.matcher(v.asText()).matches()) {
        all.add(v.asText());
      }
    }
    if (all.isEmpty()) {
      for (JsonNode row : p.path("rows")) {
        row.fieldNames().forEachRemaining(f -> {
          if (PERIOD.matcher(f).matches()) {
            all.add(f);
          }
        });
      }
    }
    return List.copyOf(all);
  }

  private static String indicator(String name, JsonNode v) {
    Optional<BigDecimal> n = Fmt.number(v);
    if (n.isEmpty()) {
      return Fmt.text(v);
    }
    BigDecimal d = n.get();
    if (name.contains("每股")) {
      return Fmt.fixed2(d) + "元";
    }
    if (name.contains("天数")) {
      return Fmt.fixed2(d) + "天";
    }
    if (name.contains("周转率")) {
      return Fmt.fixed2(d) + "次";
    }
    if (name.equals("流动比率") || name.equals("速动比率") || name.equals("产权比率")) {
      return Fmt.fixed2(d);
    }
    if (name.contains("率") || name.contains("ROE") || name.contains("ROA")) {
      return Fmt.percent(d);
    }
    return Fmt.yuan(d);
  }

  // ---------------------------------------------------------------- daily quotes

  static String daily(JsonNode p, int maxRows) {
    Lines out = new Lines();
    String adjust = Fmt.text(p.path("adjust"));
    String basis = switch (adjust) {
      case "qfq" -> "前复权";
      case "hfq" -> "后复权";
      case "" -> "不复权";
      default -> adjust;
    };
    String period = Fmt.text(p.path("period"));
    out.source(p, ("daily".equals(period) || period.isEmpty() ? "日线" : period) + "，" + basis);
    List<JsonNode> rows = new ArrayList<>();
    p.path("rows").forEach(rows::add);
    // newest first; rows without a date keep their order at the end
    List<JsonNode> dated = new ArrayList<>(rows.stream().filter(r -> !day(r).isEmpty()).toList());
    dated.sort(Comparator.comparing(Sections::day).reversed());
    List<JsonNode> undated = rows.stream().filter(r -> day(r).isEmpty()).toList();
    if (!dated.isEmpty()) {
      summary(out, dated);
    }
    List<JsonNode> shown = new ArrayList<>(dated);
    shown.addAll(undated);
    if (shown.isEmpty()) {
      out.rest(p, Set.of("rows", "adjust", "period"));
      return out.text();
    }
    out.blank();
    int n = Math.min(maxRows, shown.size());
    out.line("最近" + n + "个交易日行情（由近及远）：");
    Set<String> known = Set.of("日期", "股票代码", "开盘", "收盘", "最高", "最低", "成交量",
        "成交额", "振幅", "涨跌幅", "涨跌额", "换手率");
    for (JsonNode r : shown.subList(0, n)) {
      List<String> cells = new ArrayList<>();
      price(cells, "开盘", r);
      price(cells, "收盘", r);
      price(cells, "最高", r);
      price(cells, "最低", r);
      pct(cells, "涨跌幅", r);
      price(cells, "涨跌额", r);
      Fmt.number(r.path("成交量")).ifPresent(v -> cells.add("成交量 " + Fmt.plain(v) + "手"));
      Fmt.number(r.path("成交额")).ifPresent(v -> cells.add("成交额 " + Fmt.yuan(v)));
      pct(cells, "振幅", r);
      pct(cells, "换手率", r);
      cells.addAll(cells(r, known::contains));
      String d = day(r);
      out.line((d.isEmpty() ? "" : d + "：") + String.join("，", cells) + "。");
    }
    out.rest(p, Set.of("rows", "adjust", "period"));
    return out.text();
  }

  private static void summary(Lines out, List<JsonNode> newestFirst) {
    String first = day(newestFirst.get(newestFirst.size() - 1));
    String last = day(newestFirst.get(0));
    StringBuilder s = new StringBuilder("区间：" + first + " 至 " + last + "，共"
        + newestFirst.size() + "个交易日");
    JsonNode hi = null;
    BigDecimal hiV = null;
    JsonNode lo = null;
    BigDecimal loV = null;
    BigDecimal amount = BigDecimal.ZERO;
    int amounts = 0;
    // oldest first, so that ties keep the earliest day
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      JsonNode r = newestFirst.get(i);
      Optional<BigDecimal> h = Fmt.number(r.path("最高"));
      if (h.isPresent() && (hiV == null || h.get().compareTo(hiV) > 0)) {
        hiV = h.get();
        hi = r;
      }
      Optional<BigDecimal> l = Fmt.number(r.path("最低"));
      if (l.isPresent() && (loV == null || l.get().compareTo(loV) < 0)) {
        loV = l.get();
        lo = r;
      }
      Optional<BigDecimal> a = Fmt.number(r.path("成交额"));
      if (a.isPresent()) {
        amount = amount.add(a.get());
        amounts++;
      }
    }
    if (hi != null) {
      s.append("；区间最高价 ").append(Fmt.plain(hiV)).append("元（").append(day(hi)).append("）");
    }
    if (lo != null) {
      s.append("，最低价 ").append(Fmt.plain(loV)).append("元（").append(day(lo)).append("）");
    }
    Optional<BigDecimal> c0 = Fmt.number(newestFirst.get(newestFirst.size() - 1).path("收盘"));
    Optional<BigDecimal> c1 = Fmt.number(newestFirst.get(0).path("收盘"));
    if (c0.isPresent() && c1.isPresent() && c0.get().signum() != 0) {
      BigDecimal change = c1.get().subtract(c0.get()).multiply(BigDecimal.valueOf(100))
          .divide(c0.get(), Fmt.MC);
      s.append("；期初收盘 ").append(Fmt.plain(c0.get())).append("元，期末收盘 ")
          .append(Fmt.plain(c1.get())).append("元，区间涨跌幅 ").append(Fmt.percent(change));
    }
    if (amounts > 0) {
      s.append("；日均成交额 ")
          .append(Fmt.yuan(amount.divide(BigDecimal.valueOf(amounts), Fmt.MC)));
    }
    out.line(s.append("。").toString());
  }

  private static String day(JsonNode r) {
    return Fmt.absent(r.path("日期")) ? "" : Fmt.text(r.path("日期"));
  }

  private static void price(List<String> cells, String col, JsonNode r) {
    JsonNode v = r.path(col);
    if (!Fmt.absent(v)) {
      cells.add(col + " " + Fmt.number(v).map(d -> Fmt.plain(d) + "元").orElse(Fmt.text(v)));
    }
  }

  private static void pct(List<String> cells, String col, JsonNode r) {
    JsonNode v = r.path(col);
    if (!Fmt.absent(v)) {
      cells.add(col + " " + Fmt.number(v).map(d -> Fmt.plain(d) + "%").orElse(Fmt.text(v)));
    }
  }

  // ---------------------------------------------------------------- company profile

  static String profile(JsonNode p) {
    Lines out = new Lines();
    out.source(p, "个股信息");
    for (JsonNode row : p.path("rows")) {
      if (row.has("item")) {
        String item = Fmt.text(row.path("item"));
        JsonNode v = row.path("value");
        if (item.isEmpty() || Fmt.absent(v)) {
          continue;
        }
        out.line(item + "：" + profileValue(item, v) + "。");
        List<String> extra = cells(row, c -> c.equals("item") || c.equals("value"));
        if (!extra.isEmpty()) {
          out.line(item + "（其他字段）：" + String.join("，", extra) + "。");
        }
      } else {
        genericRow(out, row);
      }
    }
    out.rest(p, Set.of("rows"));
    return out.text();
  }

  private static String profileValue(String item, JsonNode v) {
    Optional<BigDecimal> n = Fmt.number(v);
    if (n.isEmpty() || v.isTextual() && (item.contains("代码") || item.contains("简称"))) {
      return Fmt.text(v);
    }
    if (item.contains("市值")) {
      return Fmt.yuan(n.get());
    }
    if (item.contains("股本") || item.equals("流通股")) {
      return Fmt.shares(n.get());
    }
    if (item.contains("时间") || item.contains("日期")) {
      return Fmt.date(Fmt.plain(n.get()));
    }
    if (item.equals("最新") || item.contains("价")) {
      return Fmt.plain(n.get()) + "元";
    }
    return Fmt.text(v);
  }

  // ---------------------------------------------------------------- announcements

  static String announcements(JsonNode p) {
    Lines out = new Lines();
    List<JsonNode> rows = new ArrayList<>();
    p.path("rows").forEach(rows::add);
    out.source(p, "公司公告");
    out.line("共" + rows.size() + "条公告（由近及远）。");
    List<JsonNode> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparing((JsonNode r) -> Fmt.text(r.path("公告日期"))).reversed());
    Set<String> known = Set.of("代码", "名称", "公告标题", "公告类型", "公告日期", "网址");
    for (JsonNode r : sorted) {
      StringBuilder s = new StringBuilder();
      String date = Fmt.text(r.path("公告日期"));
      String kind = Fmt.text(r.path("公告类型"));
      String title = Fmt.text(r.path("公告标题"));
      if (!date.isEmpty()) {
        s.append(date).append(" ");
      }
      if (!kind.isEmpty()) {
        s.append("【").append(kind).append("】");
      }
      s.append(title.isEmpty() ? "（无标题）" : title).append("。");
      List<String> extra = cells(r, known::contains);
      if (!extra.isEmpty()) {
        s.append(String.join("，", extra)).append("。");
      }
      String url = Fmt.text(r.path("网址"));
      if (!url.isEmpty()) {
        s.append("链接：").append(url);
      }
      out.line(s.toString());
    }
    out.rest(p, Set.of("rows"));
    return out.text();
  }

  // ---------------------------------------------------------------- shareholders

  static String shareholders(JsonNode p) {
    Lines out = new Lines();
    out.source(p, "十大股东");
    String report = Fmt.text(p.path("reportDate"));
    out.line((report.isEmpty() ? "" : "报告期：" + report + "，") + "十大股东如下。");
    Set<String> known = Set.of("名次", "股东名称", "股份类型", "持股数", "占总股本持股比例", "增减",
        "变动比率");
    for (JsonNode r : p.path("rows")) {
      List<String> cells = new ArrayList<>();
      String rank = Fmt.text(r.path("名次"));
      String holder = Fmt.text(r.path("股东名称"));
      String head = (rank.isEmpty() ? "" : "第" + rank + "名：") + holder;
      String kind = Fmt.text(r.path("股份类型"));
      if (!kind.isEmpty()) {
        cells.add(kind);
      }
      JsonNode held = r.path("持股数");
      if (!Fmt.absent(held)) {
        cells.add("持股" + Fmt.number(held).map(Fmt::shares).orElse(Fmt.text(held)));
      }
      JsonNode ratio = r.path("占总股本持股比例");
      if (!Fmt.absent(ratio)) {
        cells.add("占总股本" + Fmt.number(ratio).map(Fmt::percent).orElse(Fmt.text(ratio)));
      }
      JsonNode change = r.path("增减");
      if (!Fmt.absent(change)) {
        Optional<BigDecimal> d = change.isNumber() ? Fmt.number(change) : Optional.empty();
        String c = d.map(v -> v.signum() > 0 ? "增持" + Fmt.plain(v) + "股"
            : v.signum() < 0 ? "减持" + Fmt.plain(v.negate()) + "股" : "不变")
            .orElse(Fmt.text(change));
        JsonNode rate = r.path("变动比率");
        if (!Fmt.absent(rate)) {
          c += "（变动比率 " + Fmt.number(rate).map(Fmt::percent).orElse(Fmt.text(rate)) + "）";
        }
        cells.add("较上期" + c);
      }
      cells.addAll(cells(r, known::contains));
      out.line(head + (cells.isEmpty() ? "" : "，" + String.join("，", cells)) + "。");
    }
    out.rest(p, Set.of("rows", "reportDate"));
    return out.text();
  }

  // ---------------------------------------------------------------- longhubang

  static String longhubang(JsonNode p) {
    Lines out = new Lines();
    out.source(p, "龙虎榜营业部明细");
    String date = Fmt.text(p.path("tradeDate"));
    List<String> dates = new ArrayList<>();
    p.path("tradeDates").forEach(d -> dates.add(Fmt.text(d)));
    StringBuilder s = new StringBuilder();
    if (!date.isEmpty()) {
      s.append("上榜日期：").append(date).append("。");
    }
    if (!dates.isEmpty()) {
      s.append("近期上榜日期：").append(String.join("、", dates)).append("。");
    }
    Set<String> reasons = new LinkedHashSet<>();
    for (String side : List.of("buy", "sell")) {
      for (JsonNode r : p.path(side)) {
        String t = Fmt.text(r.path("类型"));
        if (!t.isEmpty()) {
          reasons.add(t);
        }
      }
    }
    if (!reasons.isEmpty()) {
      s.append("上榜原因：").append(String.join("；", reasons)).append("。");
    }
    if (s.length() > 0) {
      out.line(s.toString());
    }
    seats(out, p.path("buy"), "买入");
    seats(out, p.path("sell"), "卖出");
    out.rest(p, Set.of("tradeDate", "tradeDates", "buy", "sell"));
    return out.text();
  }

  private static void seats(Lines out, JsonNode rows, String side) {
    if (!rows.isArray() || rows.isEmpty()) {
      return;
    }
    out.blank();
    out.line(side + "金额最大的营业部：");
    Set<String> known = Set.of("序号", "交易营业部名称", "买入金额", "买入金额-占总成交比例",
        "卖出金额", "卖出金额-占总成交比例", "净额", "类型");
    for (JsonNode r : rows) {
      List<String> cells = new ArrayList<>();
      money(cells, r, "买入金额", "买入", "买入金额-占总成交比例");
      money(cells, r, "卖出金额", "卖出", "卖出金额-占总成交比例");
      money(cells, r, "净额", "净额", null);
      cells.addAll(cells(r, known::contains));
      String rank = Fmt.text(r.path("序号"));
      String seat = Fmt.text(r.path("交易营业部名称"));
      out.line(side + (rank.isEmpty() ? "" : "第" + rank + "名") + "：" + seat
          + (cells.isEmpty() ? "" : "，" + String.join("，", cells)) + "。");
    }
  }

  private static void money(List<String> cells, JsonNode r, String col, String label,
      String shareCol) {
    JsonNode v = r.path(col);
    if (Fmt.absent(v)) {
      return;
    }
    String s = label + Fmt.number(v).map(Fmt::yuan).orElse(Fmt.text(v));
    if (shareCol != null && !Fmt.absent(r.path(shareCol))) {
      s += "（占总成交" + Fmt.number(r.path(shareCol)).map(Fmt::percent)
          .orElse(Fmt.text(r.path(shareCol))) + "）";
    }
    cells.add(s);
  }

  // ---------------------------------------------------------------- generic

  static String generic(JsonNode p) {
    Lines out = new Lines();
    out.source(p, "");
    out.rest(p, Set.of());
    return out.text();
  }

  private static void genericRow(Lines out, JsonNode row) {
    if (row.isObject()) {
      List<String> cells = cells(row, c -> false);
      if (!cells.isEmpty()) {
        out.line(String.join("，", cells) + "。");
      }
    } else if (!Fmt.absent(row)) {
      out.line(Fmt.text(row));
    }
  }

  /** Renders a row's cells as {@code 列名：值}, leaving out skipped and empty ones. */
  private static List<String> cells(JsonNode row, java.util.function.Predicate<String> skip) {
    List<String> cells = new ArrayList<>();
    if (!row.isObject()) {
      return cells;
    }
    Iterator<Map.Entry<String, JsonNode>> it = row.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (skip.test(e.getKey()) || Fmt.absent(e.getValue())) {
        continue;
      }
      cells.add(e.getKey() + "：" + Fmt.text(e.getValue()));
    }
    return cells;
  }

  /** Accumulates the lines of a body. */
  private static final class Lines {
    private final StringBuilder sb = new StringBuilder();
    private boolean pendingBlank;

    void line(String s) {
      if (sb.length() > 0) {
        sb.append(pendingBlank ? "\n\n" : "\n");
      }
      pendingBlank = false;
      sb.append(s);
    }

    void blank() {
      pendingBlank = sb.length() > 0;
    }

    void source(JsonNode p, String what) {
      String fn = Fmt.text(p.path("function"));
      if (fn.isEmpty() && what.isEmpty()) {
        return;
      }
      line("数据来源：" + (fn.isEmpty() ? "" : "AKShare " + fn)
          + (what.isEmpty() ? "" : (fn.isEmpty() ? "" : "（") + what + (fn.isEmpty() ? "" : "）"))
          + "。");
    }

    /** Renders the payload's members that the type's section did not, generically. */
    void rest(JsonNode p, Set<String> done) {
      if (!p.isObject()) {
        if (!Fmt.absent(p)) {
          line(Fmt.text(p));
        }
        return;
      }
      Iterator<Map.Entry<String, JsonNode>> it = p.fields();
      List<String> scalars = new ArrayList<>();
      List<Map.Entry<String, JsonNode>> nested = new ArrayList<>();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (ENVELOPE.contains(e.getKey()) || done.contains(e.getKey())
            || Fmt.absent(e.getValue())) {
          continue;
        }
        if (e.getValue().isValueNode()) {
          scalars.add(e.getKey() + "：" + Fmt.text(e.getValue()));
        } else {
          nested.add(e);
        }
      }
      if (!scalars.isEmpty()) {
        line(String.join("，", scalars) + "。");
      }
      for (Map.Entry<String, JsonNode> e : nested) {
        blank();
        line(e.getKey() + "：");
        JsonNode v = e.getValue();
        if (v.isArray()) {
          for (JsonNode row : v) {
            genericRow(this, row);
          }
        } else {
          genericRow(this, v);
        }
      }
    }

    String text() {
      return sb.toString();
    }
  }
}
